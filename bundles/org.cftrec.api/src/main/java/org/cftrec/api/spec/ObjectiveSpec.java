package org.cftrec.api.spec;

/**
 * The CFT objective L = L_n + alpha * L_c.
 *
 * @param alpha       weight of the counterfactual loss; default {@value #DEFAULT_ALPHA}; 0 gives plain SFT
 * @param weightScope which losses the token weights shape; default {@link WeightScope#BOTH}
 * @param branches    two forward calls, one per branch ({@code separate}, default), or one ({@code stacked})
 * @param history     the history the training and validation examples show: {@code factual} (default), or
 *                    {@code removed}: every example is the target after the counterfactual prompt, a prior without
 *                    histories (pre-training a backbone that fine-tuning then starts from); only with alpha 0
 */
public record ObjectiveSpec(Double alpha, WeightScope weightScope, BranchLayout branches, HistoryMode history) {
    public static final double DEFAULT_ALPHA = 0.1;

    public ObjectiveSpec {
        alpha = alpha == null ? DEFAULT_ALPHA : alpha;
        if (!Double.isFinite(alpha) || alpha < 0) {
            throw new IllegalArgumentException("alpha must be a finite number >= 0, got " + alpha);
        }
        weightScope = weightScope == null ? WeightScope.BOTH : weightScope;
        branches = branches == null ? BranchLayout.SEPARATE : branches;
        history = history == null ? HistoryMode.FACTUAL : history;
        if (history == HistoryMode.SHUFFLED) {
            throw new IllegalArgumentException("history: training on shuffled histories is not offered; use factual"
                    + " or removed");
        }
        if (history == HistoryMode.REMOVED && alpha > 0) {
            throw new IllegalArgumentException("history removed trains on the counterfactual prompt alone, where the"
                    + " counterfactual loss is 0 by construction; set alpha 0 (got " + alpha + ")");
        }
    }

    /** The objective of API 1.1 (training on the factual history). */
    public ObjectiveSpec(Double alpha, WeightScope weightScope, BranchLayout branches) {
        this(alpha, weightScope, branches, null);
    }

    public static ObjectiveSpec defaults() {
        return new ObjectiveSpec(null, null, null, null);
    }
}
