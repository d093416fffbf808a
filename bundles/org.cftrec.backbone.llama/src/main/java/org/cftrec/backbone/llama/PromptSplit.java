package org.cftrec.backbone.llama;

import java.util.Arrays;

/**
 * Left-padded prompts split into the leading tokens they all share (same ids at the same positions) and each
 * prompt's remaining suffix, left padded again. Prompts rendered from one template share their instructions,
 * often half of the prompt: computing those once shortens a batch's prefill accordingly.
 *
 * @param prefixTokens    the shared tokens (empty: nothing shared, the suffixes are the prompts)
 * @param prefixPositions their positions
 * @param tokens          [B][S] suffix tokens, left padded (padding repeats the row's first suffix token, masked)
 * @param positions       [B][S] their positions (0 under padding)
 * @param mask            [B][S] 1 for real tokens
 */
record PromptSplit(long[] prefixTokens, long[] prefixPositions, long[][] tokens, long[][] positions, long[][] mask) {

    /**
     * Splits when at least two prompts share at least {@code minShared} tokens; every suffix keeps at least one
     * token, so each prompt's last position (where decoding starts) is its own.
     */
    static PromptSplit of(long[][] tokens, long[][] positions, long[][] mask, int minShared) {
        int rows = tokens.length;
        int[] starts = new int[rows];
        int shared = Integer.MAX_VALUE;
        for (int r = 0; r < rows; r++) {
            while (starts[r] < mask[r].length && mask[r][starts[r]] == 0) {
                starts[r]++;
            }
            shared = Math.min(shared, mask[r].length - starts[r] - 1);
        }
        shared = rows < 2 ? 0 : Math.max(shared, 0);
        for (int i = 0; i < shared; i++) {
            for (int r = 1; r < rows; r++) {
                if (tokens[r][starts[r] + i] != tokens[0][starts[0] + i]
                        || positions[r][starts[r] + i] != positions[0][starts[0] + i]
                        || mask[r][starts[r] + i] == 0) {
                    shared = i;
                    break;
                }
            }
        }
        if (shared < minShared) {
            return new PromptSplit(new long[0], new long[0], tokens, positions, mask);
        }
        int width = 0;
        for (int r = 0; r < rows; r++) {
            width = Math.max(width, mask[r].length - starts[r] - shared);
        }
        long[][] suffixTokens = new long[rows][width];
        long[][] suffixPositions = new long[rows][width];
        long[][] suffixMask = new long[rows][width];
        for (int r = 0; r < rows; r++) {
            int from = starts[r] + shared;
            int length = mask[r].length - from;
            int offset = width - length;
            Arrays.fill(suffixTokens[r], 0, offset, tokens[r][from]);
            System.arraycopy(tokens[r], from, suffixTokens[r], offset, length);
            System.arraycopy(positions[r], from, suffixPositions[r], offset, length);
            System.arraycopy(mask[r], from, suffixMask[r], offset, length);
        }
        return new PromptSplit(Arrays.copyOfRange(tokens[0], starts[0], starts[0] + shared),
                Arrays.copyOfRange(positions[0], starts[0], starts[0] + shared), suffixTokens, suffixPositions,
                suffixMask);
    }
}
