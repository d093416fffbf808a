package org.cftrec.runtime.console;

import org.cftrec.api.run.ExperimentResults;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cftrec.api.run.ExperimentService;
import org.cftrec.api.run.RunInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Arrays;
import java.util.List;

@Service
@Command(scope = "cftrec", name = "summary",
        description = "Mean ± std over several finished runs (e.g. one spec run with --seed 1, 2, 3) as a Markdown table")
public class SummaryCommand implements Action {
    @Reference
    private ExperimentService service;

    @Argument(index = 0, name = "runs", required = true, multiValued = true, description = "run ids")
    private List<String> runIds;

    @Option(name = "--metrics", description = "comma-separated metrics (default HR@10,NDCG@10,HR@20,NDCG@20)")
    private String metrics = "HR@10,NDCG@10,HR@20,NDCG@20";

    @Override
    public Object execute() throws Exception {
        List<ExperimentResults> results = new ArrayList<>();
        for (String id : new LinkedHashSet<>(runIds)) { // a run named twice counts once
            RunInfo run = service.run(id).orElseThrow(() -> new IllegalArgumentException("no run '" + id
                    + "'; see cftrec:runs"));
            Path file = run.directory().resolve("results.json");
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("run " + id + " has no results.json (status " + run.status() + ")");
            }
            results.add(Commands.readResults(file));
        }
        System.out.print(SeedSummary.render(results, Arrays.stream(metrics.split(",")).map(String::strip).toList()));
        return null;
    }
}
