package org.cftrec.api.spec;

/**
 * The CFT objective L = L_n + alpha * L_c.
 *
 * @param alpha       weight of the counterfactual loss; default {@value #DEFAULT_ALPHA}; 0 gives plain SFT
 * @param weightScope which losses the token weights shape; default {@link WeightScope#BOTH}
 * @param branches    two forward calls, one per branch ({@code separate}, default), or one ({@code stacked})
 */
public record ObjectiveSpec(Double alpha, WeightScope weightScope, BranchLayout branches) {
    public static final double DEFAULT_ALPHA = 0.1;

    public ObjectiveSpec {
        alpha = alpha == null ? DEFAULT_ALPHA : alpha;
        if (!Double.isFinite(alpha) || alpha < 0) {
            throw new IllegalArgumentException("alpha must be a finite number >= 0, got " + alpha);
        }
        weightScope = weightScope == null ? WeightScope.BOTH : weightScope;
        branches = branches == null ? BranchLayout.SEPARATE : branches;
    }

    public static ObjectiveSpec defaults() {
        return new ObjectiveSpec(null, null, null);
    }
}
