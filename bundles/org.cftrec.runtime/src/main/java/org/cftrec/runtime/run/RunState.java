package org.cftrec.runtime.run;

import org.cftrec.api.run.RunInfo;
import org.cftrec.api.run.RunStatus;

import java.time.Instant;

/** The live, mutable state of one run; {@link #snapshot()} gives the immutable view the API returns. */
public final class RunState {
    private final RunDirectory directory;
    private final String name;
    private volatile RunStatus status = RunStatus.QUEUED;
    private volatile String stage = "queued";
    private volatile double progress;
    private volatile String message = "";
    private volatile Instant started;
    private volatile Instant ended;
    private volatile StopReason stopReason;
    private volatile long stopRequestedNanos;
    /** Set when the run queue gave up on this run's thread: whatever that thread does later changes nothing. */
    private volatile boolean abandoned;

    public RunState(RunDirectory directory, String name) {
        this.directory = directory;
        this.name = name;
    }

    /** Rebuilds the state of a run found on disk (a previous JVM's run). */
    static RunState restored(RunDirectory directory, RunInfo info) {
        RunState state = new RunState(directory, info.name());
        state.status = info.status();
        state.stage = info.stage();
        state.progress = info.progress();
        state.message = info.message();
        state.started = info.started();
        state.ended = info.ended();
        return state;
    }

    public RunDirectory directory() {
        return directory;
    }

    public RunStatus status() {
        return status;
    }

    public boolean stopRequested() {
        return stopReason != null;
    }

    /** Why a stop was requested, or null. */
    public StopReason stopReason() {
        return stopReason;
    }

    /** Asks the run to stop at its next step boundary; the first reason given stays. */
    public synchronized void requestStop(StopReason reason) {
        if (stopReason == null) {
            stopReason = reason;
            stopRequestedNanos = System.nanoTime();
        }
    }

    /** Nanoseconds since the first stop request, or -1 if none. */
    long nanosSinceStopRequest() {
        return stopReason == null ? -1 : System.nanoTime() - stopRequestedNanos;
    }

    public synchronized void stage(String stage, double progress) {
        this.stage = stage;
        this.progress = progress;
        this.message = ""; // the previous stage's last line would show under the new stage's name
        directory.log("stage " + stage);
        persist();
    }

    public void progress(double progress, String message) {
        this.progress = progress;
        this.message = message;
    }

    /** Back in the queue (a resume): waiting callers see it as unfinished until it ends again. */
    synchronized void queued() {
        status = RunStatus.QUEUED;
        stopReason = null;
        abandoned = false;
        ended = null;
        message = "";
        persist();
    }

    synchronized void running() {
        status = RunStatus.RUNNING;
        started = started == null ? Instant.now() : started;
        ended = null;
        message = "";
        persist();
    }

    synchronized void finish(RunStatus finalStatus, String finalMessage) {
        if (abandoned) {
            return;
        }
        status = finalStatus;
        message = finalMessage == null ? "" : finalMessage;
        ended = Instant.now();
        if (finalStatus == RunStatus.SUCCEEDED) {
            progress = 1.0;
        }
        directory.log("finished " + finalStatus + (message.isEmpty() ? "" : ": " + message));
        persist();
    }

    /** Ends the run for good although its thread is still inside a plugin; later finishes are ignored. */
    synchronized void abandon(RunStatus finalStatus, String finalMessage) {
        finish(finalStatus, finalMessage);
        abandoned = true;
    }

    public RunInfo snapshot() {
        return new RunInfo(directory.id(), name, status, directory.root(), stage, progress, message, started, ended);
    }

    /** status.json, so that runs are listed after a restart. */
    synchronized void persist() {
        directory.writeJson("status.json", StatusFile.of(snapshot()));
    }
}
