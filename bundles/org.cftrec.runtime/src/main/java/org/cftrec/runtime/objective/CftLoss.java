package org.cftrec.runtime.objective;

import ai.djl.ndarray.NDArray;
import org.cftrec.api.spec.WeightScope;
import org.cftrec.api.train.LossTerms;
import org.cftrec.djl.Djl;

/**
 * The CFT objective on logits gathered at the target positions of a micro-batch:
 * <pre>
 *   L_n = sum_t w_t CE(softmax(z_h(t)), y_t) / sum_t w_t
 *   L_c = sum_t w_t CE(softmax(z_h(t) - z_0(t)), y_t) / sum_t w_t
 *   L   = L_n + alpha L_c
 * </pre>
 * Both branches stay in the autograd graph. With weight scope {@code counterfactual-only}, L_n uses
 * uniform weights (a plain token mean) and only L_c is shaped by the schedule.
 */
public final class CftLoss {
    private CftLoss() {
    }

    /**
     * @param factualLogits        z_h, [N, V]
     * @param counterfactualLogits z_0, [N, V]; null when alpha = 0 (plain SFT: the branch is not computed)
     * @param labels               y, [N] int64
     * @param weights              w, [N] float32, one per target token
     */
    public static LossTerms compute(NDArray factualLogits, NDArray counterfactualLogits, NDArray labels,
                                    NDArray weights, double alpha, WeightScope scope) {
        NDArray factualCe = crossEntropy(factualLogits, labels);
        NDArray factual = scope == WeightScope.BOTH ? weightedMean(factualCe, weights) : factualCe.mean();
        if (counterfactualLogits == null) {
            if (alpha != 0) {
                throw new IllegalArgumentException("alpha = " + alpha + " needs the counterfactual logits");
            }
            NDArray zero = factual.zerosLike();
            return new LossTerms(factual, factual, zero);
        }
        NDArray effect = factualLogits.sub(counterfactualLogits);
        NDArray counterfactual = weightedMean(crossEntropy(effect, labels), weights);
        NDArray total = alpha == 0 ? factual : factual.add(counterfactual.mul(Djl.scalar(counterfactual, alpha)));
        return new LossTerms(total, factual, counterfactual);
    }

    /** Per-row cross-entropy -log softmax(z)[y]; gathered, never via one-hot (which turns -inf * 0 into NaN). */
    static NDArray crossEntropy(NDArray logits, NDArray labels) {
        long rows = labels.getShape().get(0);
        return logits.logSoftmax(1).gather(labels.reshape(rows, 1), 1).reshape(rows).neg();
    }

    private static NDArray weightedMean(NDArray values, NDArray weights) {
        return values.mul(weights).sum().div(weights.sum());
    }
}
