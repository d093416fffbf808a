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
        long[][] ids = new long[prompts.size()][];
        int width = 0;
        for (int i = 0; i < ids.length; i++) {
            ids[i] = backbone.tokenizer().encode(prompts.get(i));
            width = Math.max(width, ids[i].length);
        }
        long pad = backbone.tokenizer().padTokenId();
        long[][] tokens = new long[ids.length][width];
        long[][] positions = new long[ids.length][width];
        long[][] mask = new long[ids.length][width];
        for (int r = 0; r < ids.length; r++) {
            int offset = width - ids[r].length;
            for (int c = 0; c < width; c++) {
                boolean real = c >= offset;
                tokens[r][c] = real ? ids[r][c - offset] : pad;
                positions[r][c] = real ? c - offset : 0;
                mask[r][c] = real ? 1 : 0;
            }
        }
        return backbone.prefill(manager.create(tokens), manager.create(positions), manager.create(mask));
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
