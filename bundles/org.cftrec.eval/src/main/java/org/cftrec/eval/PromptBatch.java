package org.cftrec.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.model.DecodingState;

import java.util.List;

/** Prompts tokenized, left padded with explicit positions, and run through the backbone once. */
final class PromptBatch {
    private PromptBatch() {
    }

    static DecodingState prefill(Backbone backbone, NDManager manager, List<String> prompts) {
        LeftPadded rows = LeftPadded.of(prompts.stream().map(backbone.tokenizer()::encodePrompt).toList(),
                backbone.tokenizer().padTokenId());
        return backbone.prefill(manager.create(rows.tokens()), manager.create(rows.positions()),
                manager.create(rows.mask()));
    }

    /**
     * Cases cut into the fewest batches of at most {@code maxBatch}, of equal sizes (differing by at most one):
     * 80 cases at 64 make two batches of 40, not 64 and a slow 16.
     */
    static <T> List<List<T>> balancedBatches(List<T> cases, int maxBatch) {
        int batches = (cases.size() + maxBatch - 1) / maxBatch;
        List<List<T>> out = new java.util.ArrayList<>(batches);
        int from = 0;
        for (int b = 0; b < batches; b++) {
            int size = (cases.size() - from) / (batches - b) + ((cases.size() - from) % (batches - b) == 0 ? 0 : 1);
            out.add(cases.subList(from, from + size));
            from += size;
        }
        return out;
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

    /**
     * log p of every child token of every node, node i sitting at row rows[i] of the state, in node and child
     * order. Gathered on the engine's side: copying all [rows, vocabulary] log-probabilities out would cost
     * more than a decoding step on a real vocabulary.
     */
    static float[] childLogProbabilities(DecodingState state, long[] rows, List<TitleTrie.Node> nodes) {
        int count = nodes.stream().mapToInt(n -> n.children.size()).sum();
        long[] pairRows = new long[count];
        long[] pairTokens = new long[count];
        int i = 0;
        for (int n = 0; n < nodes.size(); n++) {
            for (long token : nodes.get(n).children.keySet()) {
                pairRows[i] = rows[n];
                pairTokens[i++] = token;
            }
        }
        try (NDScope ignored = new NDScope()) {
            return logProbabilities(state, pairRows, pairTokens);
        }
    }

    /** Row-wise log-softmax of the state's last logits at the pairs (rows[i], tokens[i]), computed by the engine. */
    private static float[] logProbabilities(DecodingState state, long[] rows, long[] tokens) {
        NDArray logp = state.lastLogits().logSoftmax(1);
        long vocab = logp.getShape().get(1);
        long[] flat = new long[rows.length];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = rows[i] * vocab + tokens[i];
        }
        NDArray picked = logp.flatten().get(logp.getManager().create(flat));
        return picked.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    }

    /** The k most probable next tokens of each row, best first, with their log-probabilities. */
    record TopTokens(long[][] tokens, float[][] logp) {
    }

    /** The top k of the log-softmax of the state's last logits at the given rows, selected by the engine. */
    static TopTokens topLogProbabilities(DecodingState state, long[] rows, int k) {
        NDArray all = state.lastLogits();
        NDArray logp = all.get(all.getManager().create(rows)).logSoftmax(1);
        int width = (int) Math.min(k, logp.getShape().get(1));
        ai.djl.ndarray.NDList top = logp.topK(width, 1, true, true);
        float[] values = top.get(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        long[] ids = top.get(1).toLongArray();
        long[][] tokens = new long[rows.length][width];
        float[][] best = new float[rows.length][width];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(ids, r * width, tokens[r], 0, width);
            System.arraycopy(values, r * width, best[r], 0, width);
        }
        return new TopTokens(tokens, best);
    }
}
