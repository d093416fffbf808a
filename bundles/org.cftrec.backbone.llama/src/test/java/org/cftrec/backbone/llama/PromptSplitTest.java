package org.cftrec.backbone.llama;

import org.junit.Test;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

/** Shared prefixes of left-padded prompts, worked by hand. */
public class PromptSplitTest {
    private static final long[][] TOKENS = {{0, 0, 5, 6, 7, 8}, {5, 6, 7, 9, 4, 3}, {0, 5, 6, 7, 8, 2}};
    private static final long[][] MASK = {{0, 0, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1}, {0, 1, 1, 1, 1, 1}};
    private static final long[][] POSITIONS = {{0, 0, 0, 1, 2, 3}, {0, 1, 2, 3, 4, 5}, {0, 0, 1, 2, 3, 4}};

    @Test
    public void sharedTokensAtEqualPositionsAreSplitOffAndSuffixesLeftPaddedAgain() {
        PromptSplit split = PromptSplit.of(TOKENS, POSITIONS, MASK, 2);
        assertArrayEquals(new long[] {5, 6, 7}, split.prefixTokens());
        assertArrayEquals(new long[] {0, 1, 2}, split.prefixPositions());
        assertArrayEquals(new long[][] {{8, 8, 8}, {9, 4, 3}, {8, 8, 2}}, split.tokens());
        assertArrayEquals(new long[][] {{0, 0, 3}, {3, 4, 5}, {0, 3, 4}}, split.positions());
        assertArrayEquals(new long[][] {{0, 0, 1}, {1, 1, 1}, {0, 1, 1}}, split.mask());
    }

    @Test
    public void everyPromptKeepsItsLastTokenAndShortPrefixesOrSinglePromptsAreNotSplit() {
        long[][] same = {{5, 6, 7}, {5, 6, 7}};
        long[][] ones = {{1, 1, 1}, {1, 1, 1}};
        long[][] positions = {{0, 1, 2}, {0, 1, 2}};
        PromptSplit split = PromptSplit.of(same, positions, ones, 1);
        assertArrayEquals(new long[] {5, 6}, split.prefixTokens());
        assertArrayEquals(new long[][] {{7}, {7}}, split.tokens());
        assertEquals(0, PromptSplit.of(TOKENS, POSITIONS, MASK, 4).prefixTokens().length);
        assertEquals(0, PromptSplit.of(new long[][] {TOKENS[1]}, new long[][] {POSITIONS[1]},
                new long[][] {MASK[1]}, 1).prefixTokens().length);
        long[][] shifted = {{0, 1, 2}, {1, 2, 3}}; // same tokens at other positions share nothing
        assertEquals(0, PromptSplit.of(same, shifted, ones, 1).prefixTokens().length);
    }
}
