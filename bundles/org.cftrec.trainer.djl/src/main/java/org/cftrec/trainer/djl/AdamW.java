package org.cftrec.trainer.djl;

import org.cftrec.api.train.TrainerParams;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW with decoupled weight decay (Loshchilov and Hutter), updating the weights in place:
 * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; w -= lr (m / (1-b1^t) / (sqrt(v / (1-b2^t)) + eps) + wd w).
 * Its moments are part of every checkpoint, so that a resumed run continues exactly.
 */
final class AdamW {
    private final TrainerParams params;
    private final Map<String, NDArray> first = new LinkedHashMap<>();
    private final Map<String, NDArray> second = new LinkedHashMap<>();
    private int t;

    AdamW(TrainerParams params, Map<String, NDArray> weights, NDManager manager) {
        this.params = params;
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            first.put(e.getKey(), persistent(manager.zeros(e.getValue().getShape(), e.getValue().getDataType())));
            second.put(e.getKey(), persistent(manager.zeros(e.getValue().getShape(), e.getValue().getDataType())));
        }
    }

    int steps() {
        return t;
    }

    void step(Map<String, NDArray> weights, double lr) {
        t++;
        double b1 = params.beta1();
        double b2 = params.beta2();
        float correction1 = (float) (1 - Math.pow(b1, t));
        float correction2 = (float) (1 - Math.pow(b2, t));
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray w = e.getValue();
            try (NDScope ignored = new NDScope()) {
                NDArray g = w.getGradient();
                NDArray m = first.get(e.getKey());
                NDArray v = second.get(e.getKey());
                // The formula's operations in its order (bit-identical results), but each temporary closed as soon as
                // it is used: at most two of the parameter's size alive at once. The embedding of a 150k vocabulary
                // is 545 MB; the scope used to hold up to eight temporaries of it (4.4 GB by count) until its end.
                NDArray scaled = g.mul((float) (1 - b1));
                m.muli((float) b1).addi(scaled);
                scaled.close();
                NDArray squared = g.square().muli((float) (1 - b2));
                v.muli((float) b2).addi(squared);
                squared.close();
                NDArray corrected = v.div(correction2);
                NDArray denominator = corrected.sqrt().addi((float) (double) params.epsilon());
                corrected.close();
                NDArray update = m.div(correction1).divi(denominator);
                denominator.close();
                if (params.weightDecay() > 0) {
                    NDArray decay = w.mul((float) (double) params.weightDecay());
                    update.addi(decay);
                    decay.close();
                }
                w.subi(update.muli((float) lr));
                update.close();
            }
        }
    }

    /** The moments by checkpoint name ({@code m.<weight>}, {@code v.<weight>}): saved, and restored in place. */
    Map<String, NDArray> state() {
        Map<String, NDArray> state = new java.util.LinkedHashMap<>();
        first.forEach((name, m) -> state.put("m." + name, m));
        second.forEach((name, v) -> state.put("v." + name, v));
        return state;
    }

    /** Sets the step count after the moments were restored into {@link #state()}. */
    void restoredAt(int steps) {
        t = steps;
    }

    private static NDArray persistent(NDArray array) {
        NDScope.unregister(array);
        return array;
    }
}
