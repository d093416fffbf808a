package org.cftrec.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Common contract of every plugin component: a factory that binds its parameters once and returns the
 * instance a run uses. A plugin is a Declarative Services component registered under its kind's interface
 * (e.g. {@code WeightingPlugin}) and named with {@link PluginName}.
 *
 * <p>The runtime binds the spec's {@code params} JSON object to the parameter record {@code P} (unknown
 * fields are rejected), calls {@link #bind(Object)} once per run, and then uses only the returned instance.
 * Parameter records apply their defaults and validate themselves in their constructor, throwing
 * {@link IllegalArgumentException} with a message that names the field and the valid range; describe each
 * component with {@code @JsonPropertyDescription} so that {@code cftrec:plugins --params} can list it.
 *
 * @param <P> the plugin's parameter record, inferred from the plugin's class (no method to write)
 * @param <I> what the plugin's kind uses, e.g. a {@code WeightingSchedule}
 */
@ConsumerType
public interface Plugin<P, I> {

    /** Service property carrying a plugin's name, e.g. {@code cftrec.name=linear}; set it with {@link PluginName}. */
    String NAME_PROPERTY = "cftrec.name";

    /** Service property carrying a plugin's one-sentence description; set it with {@link PluginName}. */
    String DESCRIPTION_PROPERTY = "cftrec.description";

    /**
     * The instance a run uses, with its parameters bound.
     *
     * @throws IllegalArgumentException when the parameters cannot be used together (the message names them)
     */
    I bind(P params);

    /**
     * The record type the {@code params} object is bound to: the type argument {@code P} of the plugin's
     * class, resolved through its superclasses and interfaces.
     *
     * @throws IllegalStateException when the class leaves {@code P} open (a raw or generic plugin class)
     */
    default Class<P> parameterType() {
        return PluginTypes.parameterType(getClass());
    }
}
