package org.cftrec.runtime.console;

import org.cftrec.api.AtomicFiles;
import org.cftrec.runtime.plugins.PluginKind;
import org.cftrec.api.data.DatasetSource;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.spec.ExperimentSpec;
import org.cftrec.runtime.plugins.PluginCatalog;
import org.cftrec.runtime.plugins.ResolvedPlugin;
import org.cftrec.runtime.run.DataAccess;
import org.cftrec.runtime.run.UserPaths;
import org.cftrec.runtime.spec.SpecJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The dataset of a spec, loaded outside a run (for inspection and exports), with the time the load took. */
record LoadedDataset(ExperimentSpec spec, String pluginLabel, RecDataset dataset, double seconds) {

    static LoadedDataset load(PluginCatalog catalog, DataAccess dataAccess, String specPath) throws IOException {
        ExperimentSpec spec = SpecJson.read(UserPaths.resolve(specPath));
        ResolvedPlugin<DatasetSource> plugin = catalog.resolve(PluginKind.DATASET, spec.dataset(), "dataset");
        long started = System.nanoTime();
        // A loaded dataset holds everything in memory: the plugin's work folder can go as soon as it returns.
        Path work = Files.createTempDirectory("cftrec-dataset");
        try {
            RecDataset dataset = plugin.instance().load(dataAccess.context(spec.seed(), work));
            return new LoadedDataset(spec, plugin.label(), dataset, (System.nanoTime() - started) / 1e9);
        } finally {
            AtomicFiles.deleteRecursively(work);
        }
    }
}
