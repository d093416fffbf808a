package org.cftrec.api.run;

/**
 * One parameter of an installed plugin, as the plugin's parameter record declares it.
 *
 * @param name         the field name in the spec's {@code params} object
 * @param type         {@code number}, {@code integer}, {@code boolean}, {@code string}, {@code one of a | b},
 *                     {@code list of ...} or {@code object}
 * @param defaultValue the value used when the field is absent, as JSON; {@code required} when there is none
 * @param description  the plugin's own description (valid range included), empty when it gives none
 */
public record ParameterInfo(String name, String type, String defaultValue, String description) {
}
