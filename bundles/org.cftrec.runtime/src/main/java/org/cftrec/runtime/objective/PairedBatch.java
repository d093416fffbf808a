package org.cftrec.runtime.objective;

import org.cftrec.api.train.TokenizedExample;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Rows for one forward call, left padded with explicit positions. Each example's row is prompt + target without
 * its last token (teacher forcing), so the hidden states of its last n columns predict the n target tokens.
 * Factual rows come first; with the counterfactual branch, the counterfactual rows carry the same target tokens.
 * <p>
 * Packing: an example's row that is a prefix of another row of the batch is not given a row of its own; its
 * targets are read from the longer row, at the same positions. In a causal decoder the hidden state of a token
 * depends only on the tokens before it, so the loss is the one of separate rows (up to float rounding), for
 * fewer rows: the windows of one user under the {@code codes} prompt nest (each is the next one's prefix), and
 * counterfactual rows of the same target are equal. Windows cut by the dataset's history limit do not nest
 * and keep rows of their own.
 *
 * @param tokens          [R, T] int64
 * @param positions       [R, T] int64, 0 at each row's first real token
 * @param mask            [R, T] 1 for real tokens, 0 for padding
 * @param targetRows      flat indices (row * T + column) of the hidden states that predict target tokens,
 *                        factual ones first, then counterfactual ones in the same order
 * @param labels          [N] the target tokens (factual order)
 * @param weights         [N] their schedule weights
 * @param targetCount     N, target tokens of the factual branch
 */
public record PairedBatch(NDArray tokens, NDArray positions, NDArray mask, NDArray targetRows, NDArray labels,
                          NDArray weights, int targetCount) {

    /**
     * @param withCounterfactual whether to add the x_0 rows (false for SFT and validation)
     */
    public static PairedBatch of(NDManager manager, List<TokenizedExample> examples, boolean withCounterfactual,
                                 long padId) {
        return of(manager, examples, withCounterfactual, padId, true);
    }

    /** @param pack whether rows that are prefixes of others share them (false: one row per example and branch) */
    static PairedBatch of(NDManager manager, List<TokenizedExample> examples, boolean withCounterfactual,
                          long padId, boolean pack) {
        int batch = examples.size();
        int branches = withCounterfactual ? 2 : 1;
        long[][] logical = new long[branches * batch][];
        int targets = 0;
        for (int i = 0; i < batch; i++) {
            TokenizedExample e = examples.get(i);
            logical[i] = teacherForcedInput(e.factual(), e.target());
            if (withCounterfactual) {
                logical[batch + i] = teacherForcedInput(e.counterfactual(), e.target());
            }
            targets += e.target().length;
        }
        Rows rows = pack ? Rows.packed(logical) : Rows.separate(logical);
        int width = 0;
        for (long[] row : rows.physical) {
            width = Math.max(width, row.length);
        }
        int rowsCount = rows.physical.size();
        long[] tokens = new long[rowsCount * width];
        long[] positions = new long[rowsCount * width];
        long[] mask = new long[rowsCount * width];
        for (int r = 0; r < rowsCount; r++) {
            long[] row = rows.physical.get(r);
            int offset = width - row.length;
            for (int c = 0; c < width; c++) {
                int at = r * width + c;
                boolean real = c >= offset;
                tokens[at] = real ? row[c - offset] : padId;
                positions[at] = real ? c - offset : 0;
                mask[at] = real ? 1 : 0;
            }
        }
        long[] targetRows = new long[branches * targets];
        long[] labels = new long[targets];
        float[] weights = new float[targets];
        int t = 0;
        for (int i = 0; i < batch; i++) {
            TokenizedExample e = examples.get(i);
            int n = e.target().length;
            for (int k = 0; k < n; k++) {
                targetRows[t] = rows.flatIndex(i, logical[i].length - n + k, width);
                if (withCounterfactual) {
                    targetRows[targets + t] = rows.flatIndex(batch + i, logical[batch + i].length - n + k, width);
                }
                labels[t] = e.target()[k];
                weights[t] = e.weights()[k];
                t++;
            }
        }
        Shape shape = new Shape(rowsCount, width);
        return new PairedBatch(manager.create(tokens, shape), manager.create(positions, shape),
                manager.create(mask, shape), manager.create(targetRows), manager.create(labels),
                manager.create(weights), targets);
    }

    /** Which physical row holds each logical row (an example's branch); a logical row starts where its host does. */
    private record Rows(List<long[]> physical, int[] host) {
        static Rows separate(long[][] logical) {
            int[] host = new int[logical.length];
            for (int i = 0; i < logical.length; i++) {
                host[i] = i;
            }
            return new Rows(List.of(logical), host);
        }

        /** Longest rows first; each later row goes into the first kept row it is a prefix of, or becomes one. */
        static Rows packed(long[][] logical) {
            Integer[] order = new Integer[logical.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingInt((Integer i) -> -logical[i].length).thenComparingInt(i -> i));
            List<long[]> physical = new ArrayList<>();
            int[] host = new int[logical.length];
            for (int i : order) {
                int found = -1;
                for (int p = 0; p < physical.size() && found < 0; p++) {
                    if (Arrays.equals(physical.get(p), 0, logical[i].length, logical[i], 0, logical[i].length)) {
                        found = p;
                    }
                }
                if (found < 0) {
                    found = physical.size();
                    physical.add(logical[i]);
                }
                host[i] = found;
            }
            return new Rows(physical, host);
        }

        /** The flat index (row * width + column) of column {@code column} of logical row {@code row}. */
        long flatIndex(int row, int column, int width) {
            int r = host[row];
            return (long) r * width + (width - physical.get(r).length) + column;
        }
    }

    private static long[] teacherForcedInput(long[] prompt, long[] target) {
        long[] row = new long[prompt.length + target.length - 1];
        System.arraycopy(prompt, 0, row, 0, prompt.length);
        System.arraycopy(target, 0, row, prompt.length, target.length - 1);
        return row;
    }
}
