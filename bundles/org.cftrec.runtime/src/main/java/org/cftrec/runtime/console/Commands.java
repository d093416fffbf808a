package org.cftrec.runtime.console;

import org.apache.karaf.shell.api.console.Session;
import org.cftrec.api.run.ExperimentService;
import org.cftrec.api.run.ExperimentResults;
import org.cftrec.api.run.RunInfo;
import org.cftrec.api.run.RunStatus;
import org.cftrec.runtime.oneshot.OneShotLauncher;
import org.cftrec.runtime.spec.SpecJson;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** What several commands share: following a run to its end and printing its results. */
final class Commands {
    private Commands() {
    }

    /** Prints progress until the run ends; fails (non-zero exit in one-shot mode) unless it succeeded. */
    static RunInfo follow(ExperimentService service, RunInfo run, PrintStream commandOut, Session session)
            throws Exception {
        PrintStream out = reachingTheTerminal(commandOut, session);
        out.println("run " + run.id() + " in " + run.directory());
        out.flush();
        ProgressPrinter progress = ProgressPrinter.forTerminal(out, session);
        while (true) {
            RunInfo now = service.await(run.id(), Duration.ofSeconds(1));
            if (!now.status().finished()) {
                progress.update(now);
                continue;
            }
            progress.finish();
            if (now.status() != RunStatus.SUCCEEDED) {
                // Said once, by the error the console prints (one-shot mode: also the exit status).
                throw new IllegalStateException("run " + now.id() + " " + now.status() + ": " + now.message());
            }
            out.println("run " + now.id() + " " + now.status() + (now.message().isEmpty() ? "" : ": "
                    + now.message()));
            return now;
        }
    }

    /**
     * The command's output, whose flush also flushes the console session's own stream. Karaf 4.4.9 and 4.4.10 wrap
     * the terminal in a PrintStream without auto-flush (apache/karaf#2267, fixed in 4.4.11, not on Maven Central
     * yet), so a flush of the command's System.out stopped there and the console showed a run's whole progress
     * only when the command ended.
     */
    static PrintStream reachingTheTerminal(PrintStream out, Session session) {
        PrintStream console = session == null ? null : session.getConsole();
        if (console == null || console == out) {
            return out;
        }
        return new PrintStream(out, false, java.nio.charset.StandardCharsets.UTF_8) {
            @Override
            public void flush() {
                super.flush();
                console.flush();
            }
        };
    }

    /** The results table of a finished run, or a line saying there are none yet. */
    static String results(RunInfo run) throws IOException {
        Path file = run.directory().resolve("results.json");
        if (!Files.isRegularFile(file)) {
            return "run " + run.id() + " has no results yet (" + run.status() + ")";
        }
        ExperimentResults results = readResults(file);
        Path report = run.directory().resolve("report.html");
        return ResultsTable.render(results) + (Files.exists(report) ? "report: " + report + "\n" : "");
    }

    /** A run's results.json, typed; a file that does not fit names itself and the field. */
    static ExperimentResults readResults(Path file) throws IOException {
        try {
            return SpecJson.MAPPER.readValue(file.toFile(), ExperimentResults.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + ": not a results file this version can read: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Refuses {@code --detach} in one-shot mode: the JVM exits when the command returns, and a detached run would
     * die with it at 0 %.
     */
    static void checkDetachable(boolean detach) {
        if (detach && OneShotLauncher.active()) {
            throw new IllegalArgumentException("--detach cannot work in one-shot mode (bin/cftrec, ./cftrec): the"
                    + " runtime exits when the command ends, and the run with it. Leave out --detach to follow the"
                    + " run to its end, or start the interactive console (bin/karaf) and detach there");
        }
    }

    static RunInfo find(ExperimentService service, String id) {
        return service.run(id).orElseThrow(() -> new IllegalArgumentException("no run '" + id + "'"));
    }
}
