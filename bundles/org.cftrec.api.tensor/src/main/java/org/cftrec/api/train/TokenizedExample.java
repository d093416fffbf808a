package org.cftrec.api.train;

/**
 * One example as token ids.
 *
 * @param factual        prompt with history
 * @param counterfactual prompt without history
 * @param target         target tokens, EOS included (n &gt;= 1)
 * @param weights        schedule weight of each target token
 */
public record TokenizedExample(long[] factual, long[] counterfactual, long[] target, float[] weights) {
    public TokenizedExample {
        if (target.length == 0) {
            throw new IllegalArgumentException("an example needs at least one target token");
        }
        if (weights.length != target.length) {
            throw new IllegalArgumentException("weights (" + weights.length + ") must match target tokens ("
                    + target.length + ")");
        }
    }
}
