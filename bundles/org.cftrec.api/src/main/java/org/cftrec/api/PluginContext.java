package org.cftrec.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a plugin gets from the run that calls it.
 *
 * @param seed          the run's seed; plugins derive all randomness from it
 * @param dataRoot      the folder relative data paths of the spec are resolved against
 * @param workDirectory a folder of this run that the plugin may write into (e.g. a generated tokenizer)
 */
public record PluginContext(long seed, Path dataRoot, Path workDirectory) {
    public PluginContext {
        Objects.requireNonNull(dataRoot, "dataRoot");
        Objects.requireNonNull(workDirectory, "workDirectory");
    }

    /** Resolves a path from the spec against the data root (absolute paths stay as they are). */
    public Path resolveData(String path) {
        return dataRoot.resolve(path).normalize();
    }
}
