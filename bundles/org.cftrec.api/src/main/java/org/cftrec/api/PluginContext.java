package org.cftrec.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a plugin gets from the run that calls it.
 *
 * @param seed          the run's seed; plugins derive all randomness from it
 * @param dataRoot      the folder relative data paths of the spec are resolved against
 * @param workDirectory a folder of this run that the plugin may write into (e.g. a generated tokenizer)
 * @param allowedRoots  folders that data paths must lie in; empty = no restriction
 */
public record PluginContext(long seed, Path dataRoot, Path workDirectory, List<Path> allowedRoots) {
    public PluginContext {
        Objects.requireNonNull(dataRoot, "dataRoot");
        Objects.requireNonNull(workDirectory, "workDirectory");
        allowedRoots = allowedRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /** A context without path restrictions (tests, benchmarks, tools). */
    public PluginContext(long seed, Path dataRoot, Path workDirectory) {
        this(seed, dataRoot, workDirectory, List.of());
    }

    /**
     * Resolves a path from the spec against the data root (absolute paths stay as they are).
     *
     * @throws IllegalArgumentException if the result lies outside every allowed root
     */
    public Path resolveData(String path) {
        Path resolved = dataRoot.resolve(path).toAbsolutePath().normalize();
        if (!allowedRoots.isEmpty() && allowedRoots.stream().noneMatch(resolved::startsWith)) {
            throw new IllegalArgumentException("data path '" + path + "' resolves to " + resolved
                    + ", outside the allowed data roots " + allowedRoots + "; add a root with dataRoots in"
                    + " etc/org.cftrec.runtime.cfg (or CFTREC_DATA_ROOTS), or set allowAnyDataPath=true");
        }
        return resolved;
    }
}
