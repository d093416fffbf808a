package org.cftrec.runtime.run;

import org.cftrec.runtime.plugins.ResolvedPlugin;
import java.util.stream.Collectors;
import org.cftrec.api.run.RunReporter;
import org.cftrec.api.run.RunStatus;
import org.cftrec.djl.Djl;
import org.cftrec.runtime.pipeline.ExperimentPipeline;
import org.cftrec.runtime.pipeline.ExperimentPlan;
import org.cftrec.runtime.pipeline.RunStopped;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.function.Supplier;

/**
 * One run on the queue's worker thread: the pipeline, then the reports, then the final status (succeeded, stopped
 * with its reason, or failed with the error in run.log).
 */
final class RunWorker {
    private static final Logger LOG = LoggerFactory.getLogger(RunWorker.class);

    private final DataAccess dataAccess;
    private final Supplier<List<RunReporter>> reporters;

    RunWorker(DataAccess dataAccess, Supplier<List<RunReporter>> reporters) {
        this.dataAccess = dataAccess;
        this.reporters = reporters;
    }

    /** Runs the experiment to its end and records how it ended; never throws. */
    void execute(ExperimentPlan plan, RunState state) {
        String id = state.directory().id();
        state.running();
        try {
            Djl.disableGradientTracking();
            new ExperimentPipeline(plan, state, dataAccess).run();
            state.stage("report", 0.99);
            writeReports(state.directory());
            state.finish(RunStatus.SUCCEEDED, "results in " + state.directory().resolve("results.json"));
        } catch (RunStopped stopped) {
            state.finish(stopped.status(), stopped.getMessage());
        } catch (Throwable e) {
            StopReason reason = state.stopReason();
            if (reason != null) {
                // Interrupted by the run queue after a stop request: the request is the cause, not the exception.
                state.directory().log("stopped with: " + e);
                state.finish(reason.status(), reason.message() + " (the run ended with: " + describe(e) + ")");
                return;
            }
            List<ResolvedPlugin<?>> gone = plan.unavailable();
            if (!gone.isEmpty()) {
                // A plugin's component went away under the run (its bundle stopped, e.g. a trainer's processes
                // were killed with it): resumable, like any other plugin loss, not a failure of the run.
                state.directory().log("stopped with: " + e);
                state.finish(StopReason.PLUGIN_LOST.status(), "plugin went away: " + gone.stream()
                        .map(ResolvedPlugin::label).collect(Collectors.joining(", ")) + " (the run ended with: "
                        + describe(e) + "); install a replacement and resume the run");
                return;
            }
            LOG.error("run {} failed", id, e);
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            state.directory().log("error: " + trace);
            String message = describe(e);
            String culprit = FailingPlugin.of(e, plan.plugins()).map(ResolvedPlugin::label).orElse(null);
            state.finish(RunStatus.FAILED, culprit == null || message.contains(culprit) ? message
                    : culprit + " failed: " + message);
        }
    }

    /** A report that fails is logged; the run's results stand. */
    private void writeReports(RunDirectory directory) {
        for (RunReporter reporter : reporters.get()) {
            try {
                directory.log("report " + reporter.write(directory.root()));
            } catch (IOException | RuntimeException e) {
                LOG.warn("report {} failed for {}", reporter, directory.root(), e);
                directory.log("report failed: " + e);
            }
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getName() : message;
    }
}
