package org.cftrec.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Common contract of every plugin component. A plugin is a Declarative Services component registered
 * under its kind's interface with the service property {@value #NAME_PROPERTY} = its name.
 *
 * <p>The runtime binds the spec's {@code params} JSON object to {@link #parameterType()} (unknown fields
 * are rejected) before it calls the plugin. Parameter records apply their defaults and validate
 * themselves in their constructor, throwing {@link IllegalArgumentException} with a message that names
 * the field and the valid range.
 *
 * @param <P> the plugin's parameter record
 */
@ConsumerType
public interface Plugin<P> {

    /** Service property carrying a plugin's name, e.g. {@code cftrec.name=linear}. */
    String NAME_PROPERTY = "cftrec.name";

    /** The record type the {@code params} object of this plugin is bound to. */
    Class<P> parameterType();

    /** One sentence shown by the console's plugin listing. */
    default String description() {
        return "";
    }
}
