package org.cftrec.api.train;

import java.nio.file.Path;

/**
 * Outcome of a training job.
 *
 * @param steps              optimiser steps done
 * @param bestStep           step of the best validation loss
 * @param bestValidationLoss best validation L_n
 * @param bestCheckpoint     checkpoint holding the best weights (the backbone is left holding them too)
 * @param stoppedEarly       true if early stopping or a stop request ended training before its budget
 * @param reason             one line: why training ended
 */
public record TrainingResult(int steps, int bestStep, double bestValidationLoss, Path bestCheckpoint,
                             boolean stoppedEarly, String reason) {
}
