package org.cftrec.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.model.DecodingState;

import java.util.List;

/** Prompts tokenized, left padded with explicit positions, and run through the backbone once. */
final class PromptBatch {
    private PromptBatch() {
    }

    static DecodingState prefill(Backbone backbone, NDManager manager, List<String> prompts) {
        LeftPadded rows = LeftPadded.of(prompts.stream().map(backbone.tokenizer()::encode).toList(),
                backbone.tokenizer().padTokenId());
        return backbone.prefill(manager.create(rows.tokens()), manager.create(rows.positions()),
                manager.create(rows.mask()));
    }

    /** Token rows right-aligned to a common width, with positions counting from each row's first real token. */
    record LeftPadded(long[][] tokens, long[][] positions, long[][] mask) {
        static LeftPadded of(List<long[]> sequences, long pad) {
            int width = sequences.stream().mapToInt(s -> s.length).max().orElse(1);
            int rows = sequences.size();
            long[][] tokens = new long[rows][width];
            long[][] positions = new long[rows][width];
            long[][] mask = new long[rows][width];
            for (int r = 0; r < rows; r++) {
                long[] s = sequences.get(r);
                int offset = width - s.length;
                for (int c = 0; c < width; c++) {
                    boolean real = c >= offset;
                    tokens[r][c] = real ? s[c - offset] : pad;
                    positions[r][c] = real ? c - offset : 0;
                    mask[r][c] = real ? 1 : 0;
                }
            }
            return new LeftPadded(tokens, positions, mask);
        }
    }

    /** Row-wise log-softmax of the state's last logits, copied to Java arrays [rows][vocab]. */
    static float[][] logProbabilities(DecodingState state) {
        NDArray logp = state.lastLogits().logSoftmax(1);
        long rows = logp.getShape().get(0);
        int vocab = (int) logp.getShape().get(1);
        float[] flat = logp.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        float[][] out = new float[(int) rows][vocab];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * vocab, out[r], 0, vocab);
        }
        return out;
    }
}
