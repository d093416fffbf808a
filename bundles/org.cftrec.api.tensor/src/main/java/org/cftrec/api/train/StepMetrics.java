package org.cftrec.api.train;

/** Figures of one optimiser step, averaged over its accumulated micro-batches. */
public record StepMetrics(int step, int totalSteps, int epoch, double loss, double factualLoss,
                          double counterfactualLoss, double learningRate, double gradientNorm,
                          double examplesPerSecond) {
}
