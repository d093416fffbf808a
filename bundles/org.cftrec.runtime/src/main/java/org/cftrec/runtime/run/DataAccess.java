package org.cftrec.runtime.run;

import org.cftrec.api.PluginContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Where plugins may read user data, from the runtime's configuration (PID {@code org.cftrec.runtime}): the data
 * root and the allowed roots. The one place that makes {@link PluginContext}s for user data, so that {@code run},
 * {@code validate}, {@code dataset} and {@code export-bigrec} confine paths alike.
 */
@Component(service = DataAccess.class, configurationPid = "org.cftrec.runtime")
public class DataAccess {
    /** Extra data roots, comma-separated; relative ones are resolved against the caller's directory. */
    static final String DATA_ROOTS_VARIABLE = "CFTREC_DATA_ROOTS";

    private Path dataRoot;
    /** Where data paths of specs may point; empty when allowAnyDataPath is set. */
    private List<Path> allowedRoots;

    @Activate
    void activate(RuntimeConfig config) {
        dataRoot = config.dataRoot().isBlank() ? UserPaths.workingDirectory()
                : Paths.get(config.dataRoot()).toAbsolutePath();
        List<Path> roots = new ArrayList<>();
        if (!config.allowAnyDataPath()) {
            roots.add(dataRoot);
            String fromEnvironment = System.getenv(DATA_ROOTS_VARIABLE);
            for (String root : (config.dataRoots() + "," + (fromEnvironment == null ? "" : fromEnvironment)).split(",")) {
                if (!root.isBlank()) {
                    roots.add(UserPaths.resolve(root.strip()));
                }
            }
        }
        allowedRoots = List.copyOf(roots);
    }

    /** A context for plugins that read user data and write into {@code workDirectory}. */
    public PluginContext context(long seed, Path workDirectory) {
        return new PluginContext(seed, dataRoot, workDirectory, allowedRoots);
    }

    @Override
    public String toString() {
        return "data root " + dataRoot + ", data paths allowed in " + (allowedRoots.isEmpty() ? "any folder" : allowedRoots);
    }
}
