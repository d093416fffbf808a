package org.cftrec.runtime.objective;

import org.cftrec.api.train.TokenizedExample;
import ai.djl.ndarray.NDManager;
import org.junit.Test;

import java.util.List;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

/** The layout of one forward call: left padding, explicit positions, aligned target positions. */
public class PairedBatchTest {
    private static final long PAD = 0;

    @Test
    public void factualAndCounterfactualRowsShareTheirTargets() {
        TokenizedExample a = new TokenizedExample(new long[] {5, 6, 7}, new long[] {5}, new long[] {8, 9, 2},
                new float[] {1f, 0.5f, 0.25f});
        TokenizedExample b = new TokenizedExample(new long[] {5, 6}, new long[] {5}, new long[] {3},
                new float[] {1f});
        try (NDManager manager = NDManager.newBaseManager()) {
            PairedBatch batch = PairedBatch.of(manager, List.of(a, b), true, PAD, false);
            // Rows: prompt + target without its last token, right aligned to width 5.
            assertArrayEquals(new long[] {
                    5, 6, 7, 8, 9,   // a factual
                    0, 0, 0, 5, 6,   // b factual (single target token: nothing of it is input)
                    0, 0, 5, 8, 9,   // a counterfactual
                    0, 0, 0, 0, 5}, // b counterfactual
                    batch.tokens().toLongArray());
            assertArrayEquals(new long[] {
                    0, 1, 2, 3, 4,
                    0, 0, 0, 0, 1,
                    0, 0, 0, 1, 2,
                    0, 0, 0, 0, 0}, batch.positions().toLongArray());
            assertArrayEquals(new long[] {
                    1, 1, 1, 1, 1,
                    0, 0, 0, 1, 1,
                    0, 0, 1, 1, 1,
                    0, 0, 0, 0, 1}, batch.mask().toLongArray());
            // The last n columns predict the n target tokens: a at columns 2..4, b at column 4.
            assertArrayEquals(new long[] {2, 3, 4, 9, 12, 13, 14, 19}, batch.targetRows().toLongArray());
            assertArrayEquals(new long[] {8, 9, 2, 3}, batch.labels().toLongArray());
            assertArrayEquals(new float[] {1f, 0.5f, 0.25f, 1f}, batch.weights().toFloatArray(), 0f);
            assertEquals(4, batch.targetCount());
        }
    }

    @Test
    public void rowsThatArePrefixesOfOthersArePackedIntoThem() {
        TokenizedExample a = new TokenizedExample(new long[] {5, 6, 7}, new long[] {5}, new long[] {8, 9, 2},
                new float[] {1f, 0.5f, 0.25f});
        TokenizedExample b = new TokenizedExample(new long[] {5, 6}, new long[] {5}, new long[] {3},
                new float[] {1f});
        try (NDManager manager = NDManager.newBaseManager()) {
            PairedBatch batch = PairedBatch.of(manager, List.of(a, b), true, PAD);
            // b's rows [5 6] and [5] are prefixes of a's factual row: two rows remain, and b reads its target
            // tokens' hidden states where that row holds the same prefix
            assertArrayEquals(new long[] {
                    5, 6, 7, 8, 9,   // a factual; b factual at columns 0..1, b counterfactual at column 0
                    0, 0, 5, 8, 9},  // a counterfactual
                    batch.tokens().toLongArray());
            assertArrayEquals(new long[] {0, 1, 2, 3, 4, 0, 0, 0, 1, 2}, batch.positions().toLongArray());
            assertArrayEquals(new long[] {2, 3, 4, 1, 7, 8, 9, 0}, batch.targetRows().toLongArray());
            assertArrayEquals(new long[] {8, 9, 2, 3}, batch.labels().toLongArray());
        }
    }

    @Test
    public void withoutTheCounterfactualBranchOnlyFactualRowsAreBuilt() {
        TokenizedExample a = new TokenizedExample(new long[] {5, 6}, new long[] {5}, new long[] {8, 2},
                new float[] {1f, 1f});
        try (NDManager manager = NDManager.newBaseManager()) {
            PairedBatch batch = PairedBatch.of(manager, List.of(a), false, PAD);
            assertArrayEquals(new long[] {5, 6, 8}, batch.tokens().toLongArray());
            assertArrayEquals(new long[] {1, 2}, batch.targetRows().toLongArray());
        }
    }
}
