package org.cftrec.api.train;

import ai.djl.ndarray.NDArray;

/**
 * The losses of one micro-batch, each a scalar.
 *
 * @param total          what the trainer differentiates: L_n + alpha * L_c
 * @param factual        L_n, the (weighted) SFT loss; validation and early stopping use it alone
 * @param counterfactual L_c, the loss of the history's causal effect z_h - z_0
 */
public record LossTerms(NDArray total, NDArray factual, NDArray counterfactual) {
}
