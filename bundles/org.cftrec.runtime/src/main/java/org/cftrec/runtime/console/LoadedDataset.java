package org.cftrec.runtime.console;

import org.cftrec.api.PluginContext;
import org.cftrec.api.PluginKind;
import org.cftrec.api.data.DatasetProvider;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.spec.ExperimentSpec;
import org.cftrec.runtime.plugins.PluginCatalog;
import org.cftrec.runtime.plugins.ResolvedPlugin;
import org.cftrec.runtime.run.UserPaths;
import org.cftrec.runtime.spec.SpecJson;

import java.io.IOException;
import java.nio.file.Files;

/** The dataset of a spec, loaded outside a run (for inspection and exports), with the time the load took. */
record LoadedDataset(ExperimentSpec spec, String pluginLabel, RecDataset dataset, double seconds) {

    @SuppressWarnings({"unchecked", "rawtypes"})
    static LoadedDataset load(PluginCatalog catalog, String specPath) throws IOException {
        ExperimentSpec spec = SpecJson.read(UserPaths.resolve(specPath));
        ResolvedPlugin<DatasetProvider> plugin = catalog.resolve(PluginKind.DATASET, spec.dataset(), "dataset",
                DatasetProvider.class);
        long started = System.nanoTime();
        RecDataset dataset = plugin.service().load(plugin.params(), new PluginContext(spec.seed(),
                UserPaths.workingDirectory(), Files.createTempDirectory("cftrec-dataset")));
        return new LoadedDataset(spec, plugin.label(), dataset, (System.nanoTime() - started) / 1e9);
    }
}
