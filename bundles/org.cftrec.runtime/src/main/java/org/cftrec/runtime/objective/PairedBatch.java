package org.cftrec.runtime.objective;

import org.cftrec.api.train.TokenizedExample;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * Rows for one forward call, left padded with explicit positions. Each row is prompt + target without its
 * last token (teacher forcing), so the hidden states of the last n columns predict the n target tokens.
 * Factual rows come first; with the counterfactual branch, row B + i is the counterfactual of row i and
 * carries the same target tokens.
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
        int batch = examples.size();
        int rowsCount = withCounterfactual ? 2 * batch : batch;
        long[][] rows = new long[rowsCount][];
        int targets = 0;
        for (int i = 0; i < batch; i++) {
            TokenizedExample e = examples.get(i);
            rows[i] = teacherForcedInput(e.factual(), e.target());
            if (withCounterfactual) {
                rows[batch + i] = teacherForcedInput(e.counterfactual(), e.target());
            }
            targets += e.target().length;
        }
        int width = 0;
        for (long[] row : rows) {
            width = Math.max(width, row.length);
        }
        long[] tokens = new long[rowsCount * width];
        long[] positions = new long[rowsCount * width];
        long[] mask = new long[rowsCount * width];
        for (int r = 0; r < rowsCount; r++) {
            int offset = width - rows[r].length;
            for (int c = 0; c < width; c++) {
                int at = r * width + c;
                boolean real = c >= offset;
                tokens[at] = real ? rows[r][c - offset] : padId;
                positions[at] = real ? c - offset : 0;
                mask[at] = real ? 1 : 0;
            }
        }
        int branches = withCounterfactual ? 2 : 1;
        long[] targetRows = new long[branches * targets];
        long[] labels = new long[targets];
        float[] weights = new float[targets];
        int t = 0;
        for (int i = 0; i < batch; i++) {
            TokenizedExample e = examples.get(i);
            int n = e.target().length;
            for (int k = 0; k < n; k++) {
                int column = width - n + k;
                targetRows[t] = (long) i * width + column;
                if (withCounterfactual) {
                    targetRows[targets + t] = (long) (batch + i) * width + column;
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

    private static long[] teacherForcedInput(long[] prompt, long[] target) {
        long[] row = new long[prompt.length + target.length - 1];
        System.arraycopy(prompt, 0, row, 0, prompt.length);
        System.arraycopy(target, 0, row, prompt.length, target.length - 1);
        return row;
    }
}
