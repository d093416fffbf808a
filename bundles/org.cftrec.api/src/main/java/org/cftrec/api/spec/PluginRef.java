package org.cftrec.api.spec;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A plugin chosen by name, with its parameters (bound by the runtime to the plugin's parameter record).
 *
 * @param plugin the plugin's name, e.g. {@code linear}
 * @param params the plugin's parameters; {@code {}} when absent, so the plugin's defaults apply
 */
public record PluginRef(String plugin, ObjectNode params) {
    public PluginRef {
        if (plugin == null || plugin.isBlank()) {
            throw new IllegalArgumentException("'plugin' is required: the name of an installed plugin");
        }
        params = params == null ? JsonNodeFactory.instance.objectNode() : params.deepCopy();
    }

    /** A reference with default parameters. */
    public static PluginRef of(String plugin) {
        return new PluginRef(plugin, null);
    }

    @Override
    public ObjectNode params() {
        return params.deepCopy();
    }
}
