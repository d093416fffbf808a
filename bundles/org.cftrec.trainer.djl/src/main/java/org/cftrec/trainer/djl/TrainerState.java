package org.cftrec.trainer.djl;

/**
 * Where training stands, saved with every checkpoint. The data order of an epoch is derived from the seed
 * and the epoch number, so the step alone says which examples come next.
 *
 * @param step                     optimiser steps done
 * @param bestStep                 step of the best validation L_n (0 = none yet)
 * @param bestLoss                 best validation L_n so far
 * @param validationsSinceBest     validations without improvement since the best one
 */
record TrainerState(int step, int bestStep, double bestLoss, int validationsSinceBest) {
    static TrainerState initial() {
        return new TrainerState(0, 0, Double.POSITIVE_INFINITY, 0);
    }
}
