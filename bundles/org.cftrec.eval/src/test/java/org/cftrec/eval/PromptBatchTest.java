package org.cftrec.eval;

import org.junit.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.Assert.assertEquals;

/** Batching of cases and left padding, worked by hand. */
public class PromptBatchTest {
    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    public void batchesAreAsFewAsTheLimitAllowsAndOfEqualSizes() {
        assertEquals(List.of(40, 40), sizes(PromptBatch.balancedBatches(range(80), 64)));
        assertEquals(List.of(50, 50, 50), sizes(PromptBatch.balancedBatches(range(150), 64)));
        assertEquals(List.of(4, 3, 3), sizes(PromptBatch.balancedBatches(range(10), 4)));
        assertEquals(List.of(64), sizes(PromptBatch.balancedBatches(range(64), 64)));
        assertEquals(List.of(), sizes(PromptBatch.balancedBatches(range(0), 64)));
        assertEquals(range(10), PromptBatch.balancedBatches(range(10), 4).stream().flatMap(List::stream).toList());
    }

    @Test
    public void promptsAreLeftPaddedWithPositionsFromTheirFirstToken() {
        PromptBatch.LeftPadded rows = PromptBatch.LeftPadded.of(List.of(new long[] {7, 8, 9}, new long[] {5}), 0);
        assertEquals(List.of(List.of(7L, 8L, 9L), List.of(0L, 0L, 5L)), lists(rows.tokens()));
        assertEquals(List.of(List.of(0L, 1L, 2L), List.of(0L, 0L, 0L)), lists(rows.positions()));
        assertEquals(List.of(List.of(1L, 1L, 1L), List.of(0L, 0L, 1L)), lists(rows.mask()));
    }

    private static List<Integer> sizes(List<List<Integer>> batches) {
        return batches.stream().map(List::size).toList();
    }

    private static List<List<Long>> lists(long[][] rows) {
        return java.util.Arrays.stream(rows).map(r -> java.util.Arrays.stream(r).boxed().toList()).toList();
    }
}
