package org.cftrec.runtime.pipeline;

/** Ends a run early at a step boundary: a stop was requested, or a plugin the run uses went away. */
public final class RunStopped extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean pluginLost;

    public RunStopped(String message, boolean pluginLost) {
        super(message);
        this.pluginLost = pluginLost;
    }

    /** True if a plugin went away (the run is resumable with a replacement), false for a cancel. */
    public boolean pluginLost() {
        return pluginLost;
    }
}
