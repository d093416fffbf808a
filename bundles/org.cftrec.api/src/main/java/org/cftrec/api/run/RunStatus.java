package org.cftrec.api.run;

/** Life of a run. */
public enum RunStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED,
    /** A plugin the run used went away; a checkpoint was saved and the run can be resumed. */
    INTERRUPTED;

    public boolean finished() {
        return this != QUEUED && this != RUNNING;
    }
}
