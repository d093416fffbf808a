package org.cftrec.runtime.pipeline;

import org.cftrec.api.run.RunStatus;

/** Ends a run early at a step boundary: a stop was requested, a plugin the run uses went away, or the runtime stops. */
public final class RunStopped extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final RunStatus status;

    public RunStopped(String message, RunStatus status) {
        super(message);
        this.status = status;
    }

    /** INTERRUPTED (resumable: a plugin went away, the runtime stopped) or CANCELLED. */
    public RunStatus status() {
        return status;
    }
}
