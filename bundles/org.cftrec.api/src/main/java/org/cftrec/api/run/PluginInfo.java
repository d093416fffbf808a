package org.cftrec.api.run;

import java.util.List;

/**
 * An installed plugin: its kind and name, the bundle (symbolic name and version) that provides it, and its
 * parameters with their defaults.
 */
public record PluginInfo(String kind, String name, String description, String bundle, String version,
                         List<ParameterInfo> parameters) {
    public PluginInfo {
        parameters = List.copyOf(parameters);
    }
}
