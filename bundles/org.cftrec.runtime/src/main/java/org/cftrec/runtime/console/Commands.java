package org.cftrec.runtime.console;

import com.fasterxml.jackson.databind.JsonNode;
import org.cftrec.api.run.ExperimentService;
import org.cftrec.api.run.RunInfo;
import org.cftrec.api.run.RunStatus;
import org.cftrec.runtime.spec.SpecJson;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** What several commands share: following a run to its end and printing its results. */
final class Commands {
    private Commands() {
    }

    /** Prints progress until the run ends; fails (non-zero exit in one-shot mode) unless it succeeded. */
    static RunInfo follow(ExperimentService service, RunInfo run, PrintStream out) throws Exception {
        out.println("run " + run.id() + " in " + run.directory());
        String last = "";
        while (true) {
            RunInfo now = service.await(run.id(), Duration.ofSeconds(2));
            String line = String.format(Locale.ROOT, "[%3.0f%%] %s %s", 100 * now.progress(), now.stage(),
                    now.message());
            if (!line.equals(last) && !now.status().finished()) {
                out.println(line);
                last = line;
            }
            if (now.status().finished()) {
                out.println("run " + now.id() + " " + now.status() + (now.message().isEmpty() ? "" : ": "
                        + now.message()));
                if (now.status() != RunStatus.SUCCEEDED) {
                    throw new IllegalStateException("run " + now.id() + " " + now.status() + ": " + now.message());
                }
                return now;
            }
        }
    }

    /** The results table of a finished run, or a line saying there are none yet. */
    static String results(RunInfo run) throws IOException {
        Path file = run.directory().resolve("results.json");
        if (!Files.isRegularFile(file)) {
            return "run " + run.id() + " has no results yet (" + run.status() + ")";
        }
        JsonNode results = SpecJson.MAPPER.readTree(file.toFile());
        Path report = run.directory().resolve("report.html");
        return ResultsTable.render(results) + (Files.exists(report) ? "report: " + report + "\n" : "");
    }

    static RunInfo find(ExperimentService service, String id) {
        return service.run(id).orElseThrow(() -> new IllegalArgumentException("no run '" + id + "'"));
    }
}
