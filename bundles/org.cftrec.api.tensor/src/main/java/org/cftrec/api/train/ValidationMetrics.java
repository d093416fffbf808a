package org.cftrec.api.train;

import java.util.Map;

/**
 * A validation pass: the factual loss L_n over the validation split, the ranking metrics where the trainer
 * selects by them (empty otherwise), and whether it is the best so far by the trainer's criterion.
 */
public record ValidationMetrics(int step, int epoch, double factualLoss, boolean best, Map<String, Double> ranking) {
    public ValidationMetrics {
        ranking = ranking == null ? Map.of() : Map.copyOf(ranking);
    }

    /** A pass that selects by L_n (the 1.1 form). */
    public ValidationMetrics(int step, int epoch, double factualLoss, boolean best) {
        this(step, epoch, factualLoss, best, Map.of());
    }
}
