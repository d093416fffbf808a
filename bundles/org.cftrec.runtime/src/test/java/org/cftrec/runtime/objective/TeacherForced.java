package org.cftrec.runtime.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.cftrec.api.model.Backbone;

/** An independent reference for the objective's tests: one unpadded row, every position's log-probabilities. */
final class TeacherForced {
    private TeacherForced() {
    }

    /** log softmax of the logits at every position of prompt + target without its last token. */
    static float[][] logProbabilities(Backbone model, long[] prompt, long[] target) {
        long[] row = new long[prompt.length + target.length - 1];
        System.arraycopy(prompt, 0, row, 0, prompt.length);
        System.arraycopy(target, 0, row, prompt.length, target.length - 1);
        try (NDManager m = model.manager().newSubManager()) {
            long[] pos = new long[row.length];
            long[] mask = new long[row.length];
            for (int i = 0; i < row.length; i++) {
                pos[i] = i;
                mask[i] = 1;
            }
            NDArray hidden = model.hiddenStates(m.create(new long[][] {row}), m.create(new long[][] {pos}),
                    m.create(new long[][] {mask}), false);
            NDArray logp = model.vocabularyLogits(hidden.reshape(row.length, -1)).logSoftmax(1);
            int v = (int) logp.getShape().get(1);
            float[] flat = logp.toFloatArray();
            float[][] out = new float[row.length][v];
            for (int i = 0; i < row.length; i++) {
                System.arraycopy(flat, i * v, out[i], 0, v);
            }
            return out;
        }
    }
}
