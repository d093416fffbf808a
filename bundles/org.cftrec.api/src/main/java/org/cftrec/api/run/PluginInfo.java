package org.cftrec.api.run;

/** An installed plugin: its kind and name, and the bundle (symbolic name and version) that provides it. */
public record PluginInfo(String kind, String name, String description, String bundle, String version) {
}
