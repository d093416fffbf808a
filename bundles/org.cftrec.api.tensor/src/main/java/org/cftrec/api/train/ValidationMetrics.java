package org.cftrec.api.train;

/** A validation pass: the factual loss L_n over the validation split, and whether it is the best so far. */
public record ValidationMetrics(int step, int epoch, double factualLoss, boolean best) {
}
