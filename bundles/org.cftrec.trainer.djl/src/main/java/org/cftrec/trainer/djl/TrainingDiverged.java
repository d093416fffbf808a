package org.cftrec.trainer.djl;

/** A non-finite loss: training stops; the checkpoints written before it stay as they were. */
public final class TrainingDiverged extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    TrainingDiverged(String message) {
        super(message);
    }
}
