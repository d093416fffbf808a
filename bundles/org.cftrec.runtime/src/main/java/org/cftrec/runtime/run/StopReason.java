package org.cftrec.runtime.run;

import org.cftrec.api.run.RunStatus;

/** Why a run was asked to stop; decides the status it ends with and the message the user reads. */
public enum StopReason {
    /** {@code cftrec:cancel}. */
    CANCEL(RunStatus.CANCELLED, "cancelled on request"),
    /** A plugin the run uses went away (bundle stopped, updated or uninstalled). */
    PLUGIN_LOST(RunStatus.INTERRUPTED, "a plugin went away"),
    /** The runtime is shutting down (bin/stop, SIGTERM, the end of a one-shot command). */
    SHUTDOWN(RunStatus.INTERRUPTED, "the runtime stopped during this run; resume it to continue");

    private final RunStatus status;
    private final String message;

    StopReason(RunStatus status, String message) {
        this.status = status;
        this.message = message;
    }

    public RunStatus status() {
        return status;
    }

    public String message() {
        return message;
    }
}
