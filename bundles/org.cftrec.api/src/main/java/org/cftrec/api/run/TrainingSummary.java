package org.cftrec.api.run;

/**
 * How a variant's training ended.
 *
 * @param steps              optimiser steps done (0 for a zero-shot variant)
 * @param bestStep           step of the best validation loss
 * @param bestValidationLoss best validation L_n (NaN without validation)
 * @param bestCheckpoint     the checkpoint holding the best weights, or null
 * @param stoppedEarly       true if early stopping or a stop request ended training before its budget
 * @param reason             one line: why training ended
 */
public record TrainingSummary(int steps, int bestStep, double bestValidationLoss, String bestCheckpoint,
                              boolean stoppedEarly, String reason) {
}
