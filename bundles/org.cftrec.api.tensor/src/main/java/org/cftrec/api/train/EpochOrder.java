package org.cftrec.api.train;

import java.util.SplittableRandom;

/**
 * The order of the training examples in an epoch, fixed by the run's seed: every trainer uses it, so that two
 * trainers (e.g. {@code cpu} and {@code torchrun}) see the same batches and a resumed run the same order.
 */
public final class EpochOrder {
    private EpochOrder() {
    }

    /** A seeded Fisher-Yates shuffle of 0..n-1 for epoch {@code epoch} (0-based). */
    public static int[] permutation(int n, long seed, int epoch) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + epoch);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
