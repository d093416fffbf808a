package org.cftrec.runtime.console;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cftrec.runtime.plugins.PluginKind;
import org.cftrec.api.prompt.PromptTemplate;
import org.cftrec.runtime.export.BigRecExport;
import org.cftrec.runtime.plugins.PluginCatalog;
import org.cftrec.runtime.run.DataAccess;
import org.cftrec.runtime.plugins.ResolvedPlugin;
import org.cftrec.runtime.run.UserPaths;

import java.nio.file.Path;
import java.util.Map;

@Service
@Command(scope = "cftrec", name = "export-bigrec",
        description = "Writes a spec's dataset as BIGRec JSON (train/valid/test.json with instruction, input, output)")
public class ExportBigRecCommand implements Action {
    @Reference
    private PluginCatalog catalog;

    @Reference
    private DataAccess dataAccess;

    @Argument(index = 0, name = "spec", required = true, description = "experiment spec (JSON): its dataset and prompt")
    private String spec;

    @Argument(index = 1, name = "folder", required = true, description = "output folder (created if missing)")
    private String folder;

    @Override
    public Object execute() throws Exception {
        LoadedDataset loaded = LoadedDataset.load(catalog, dataAccess, spec);
        ResolvedPlugin<PromptTemplate> prompt = catalog.resolve(PluginKind.PROMPT, loaded.spec().prompt(), "prompt");
        Path target = UserPaths.resolve(folder);
        Map<String, Integer> counts = BigRecExport.write(loaded.dataset(), prompt.instance(), prompt.name(), target);
        counts.forEach((file, rows) -> System.out.printf("%s: %,d rows%n", target.resolve(file), rows));
        return null;
    }
}
