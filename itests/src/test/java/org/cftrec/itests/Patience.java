package org.cftrec.itests;

import org.cftrec.api.run.ExperimentService;
import org.cftrec.api.run.RunInfo;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Waits of the integration tests, scaled by the load the machine shows: on a busy machine (CI beside other
 * work) every step runs several times slower, and a fixed wait would fail a correct run. A wait that still runs
 * out is reported as a timeout, with the load, never as a wrong result.
 */
final class Patience {
    private Patience() {
    }

    /** 1 on an idle machine, 1 + (load average / cores) on a busy one. */
    static double factor() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return Math.max(1.0, load / Runtime.getRuntime().availableProcessors() + 1);
    }

    /** {@code idle}, as long as this machine needs for it now. */
    static Duration scaled(Duration idle) {
        return Duration.ofMillis(Math.round(idle.toMillis() * factor()));
    }

    static String describeLoad() {
        return "load average " + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() + " on "
                + Runtime.getRuntime().availableProcessors() + " cores";
    }

    /**
     * Waits for the run to end, up to {@code idle} scaled by the load.
     *
     * @throws AssertionError saying TIMEOUT, with the run's state, if it has not ended by then
     */
    static RunInfo awaitEnd(ExperimentService experiments, String id, Duration idle) throws InterruptedException {
        Duration wait = scaled(idle);
        RunInfo run = experiments.await(id, wait);
        if (!run.status().finished()) {
            throw new AssertionError("TIMEOUT (not a wrong result): run " + id + " still " + run.status() + " at "
                    + run.stage() + " after " + wait.toSeconds() + " s (" + describeLoad() + "); " + run.message());
        }
        return run;
    }
}
