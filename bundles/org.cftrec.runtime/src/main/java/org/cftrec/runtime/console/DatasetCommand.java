package org.cftrec.runtime.console;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cftrec.api.data.DatasetStatistics;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.data.ReferenceScores;
import org.cftrec.runtime.pipeline.ItemKnnReference;
import org.cftrec.runtime.pipeline.PopularityReference;
import org.cftrec.runtime.plugins.PluginCatalog;
import org.cftrec.runtime.run.DataAccess;

import java.util.TreeMap;

@Service
@Command(scope = "cftrec", name = "dataset", description = "Loads the dataset of a spec and prints its statistics (nothing is trained)")
public class DatasetCommand implements Action {
    @Reference
    private PluginCatalog catalog;

    @Reference
    private DataAccess dataAccess;

    @Argument(index = 0, name = "spec", required = true, description = "experiment spec (JSON)")
    private String spec;

    @Override
    public Object execute() throws Exception {
        LoadedDataset loaded = LoadedDataset.load(catalog, dataAccess, spec);
        RecDataset d = loaded.dataset();
        System.out.printf("dataset %s (%s, loaded in %.1f s)%n", d.name(), loaded.pluginLabel(), loaded.seconds());
        DatasetStatistics s = d.statistics();
        System.out.printf("users %,d  items %,d  interactions %,d%n", s.users(), s.items(), s.interactions());
        System.out.printf("examples  train %,d  valid %,d  test %,d%n", d.train().size(), d.valid().size(),
                d.test().size());
        System.out.printf("titles    junk %,d  shared with another item %,d%n", s.junkTitles(), s.duplicateTitles());
        System.out.println("history length -> examples: " + s.historyLengths());
        for (ReferenceScores r : d.references()) {
            System.out.println("reference " + r.name() + ": " + r.metrics());
        }
        int cases = loaded.spec().evaluation().maxCases();
        String scored = (cases > 0 ? "first " + cases : "all") + " test cases";
        if (d.references().stream().noneMatch(r -> r.name().equals("popularity"))) {
            System.out.println("reference popularity (training-target counts, " + scored + "): "
                    + new TreeMap<>(PopularityReference.compute(d, loaded.spec().evaluation()).metrics()));
        }
        System.out.println("reference item-knn (cosine over training users, " + ItemKnnReference.NEIGHBOURS
                + " neighbours, " + scored + "): "
                + new TreeMap<>(ItemKnnReference.compute(d, loaded.spec().evaluation()).metrics()));
        return null;
    }
}
