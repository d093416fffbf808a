package org.cftrec.api.train;

import java.util.SplittableRandom;

/**
 * The order of the training examples in an epoch, fixed by the run's seed: every trainer uses it, so that two
 * trainers (e.g. {@code cpu} and {@code torchrun}) see the same batches and a resumed run the same order.
 */
public final class EpochOrder {
    private EpochOrder() {
    }

    /** The order of epoch {@code epoch} (0-based) of {@code n} examples under the trainer's parameters. */
    public static int[] of(TrainerParams params, int n, long seed, int epoch) {
        return params.order() == TrainerParams.Order.BLOCKS ? blocks(n, params.microBatch(), seed, epoch)
                : permutation(n, seed, epoch);
    }

    /**
     * The examples in runs of {@code block} consecutive indices, the runs in a seeded shuffle and the last
     * partial run at the end, so that every micro-batch of the epoch is one run: consecutive examples of a
     * dataset (a user's windows) are scored together, which packed training turns into shared rows.
     */
    public static int[] blocks(int n, int block, long seed, int epoch) {
        int whole = n / block;
        int[] runs = permutation(whole, seed, epoch);
        int[] order = new int[n];
        int at = 0;
        for (int run : runs) {
            for (int i = 0; i < block; i++) {
                order[at++] = run * block + i;
            }
        }
        for (int i = whole * block; i < n; i++) {
            order[at++] = i;
        }
        return order;
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
