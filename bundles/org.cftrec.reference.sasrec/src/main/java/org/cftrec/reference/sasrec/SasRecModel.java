package org.cftrec.reference.sasrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import org.cftrec.djl.Djl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * SASRec (Kang and McAuley, ICDM 2018) as the authors' code and its common PyTorch port (SASRec.pytorch) compute
 * it: item embeddings scaled by sqrt(d) plus learned positions, dropout, then per block Q = LayerNorm(x),
 * x = Q + MultiHeadAttention(Q, x, x)
 * under a causal mask, x = LayerNorm(x), x = x + FFN(x) with ReLU and dropout, padded positions zeroed after each
 * block, and a final LayerNorm. An item's score is the dot product of the output with its embedding (tied).
 * Sequences are left-padded with item 0 and positioned so that the last item always has position
 * {@code maxLength - 1}, in training as in scoring. Weights are drawn from the seed (Xavier normal), so a run is
 * reproducible on any engine.
 */
final class SasRecModel implements AutoCloseable {
    private static final float NEGATIVE = -1e9f;

    private final NDManager manager;
    private final SasRecPlugin.Params p;
    private final Map<String, NDArray> weights = new LinkedHashMap<>();

    SasRecModel(NDManager parent, int items, SasRecPlugin.Params p, long seed) {
        this.manager = parent.newSubManager();
        this.p = p;
        int d = p.hidden();
        SplittableRandom random = new SplittableRandom(seed);
        add("item_emb", xavier(random, items + 1, d));
        add("pos_emb", xavier(random, p.maxLength(), d));
        for (int l = 0; l < p.layers(); l++) {
            String b = "blocks." + l + ".";
            add(b + "attn_ln.w", ones(d));
            add(b + "attn_ln.b", zeros(d));
            add(b + "attn.in_w", xavier(random, d, 3 * d));
            add(b + "attn.in_b", zeros(3 * d));
            add(b + "attn.out_w", xavier(random, d, d));
            add(b + "attn.out_b", zeros(d));
            add(b + "ffn_ln.w", ones(d));
            add(b + "ffn_ln.b", zeros(d));
            add(b + "ffn.w1", xavier(random, d, d));
            add(b + "ffn.b1", zeros(d));
            add(b + "ffn.w2", xavier(random, d, d));
            add(b + "ffn.b2", zeros(d));
        }
        add("last_ln.w", ones(d));
        add("last_ln.b", zeros(d));
    }

    /** The trainable weights by name. */
    Map<String, NDArray> weights() {
        return weights;
    }

    /** The weights' values now (the best epoch's are kept this way), on the Java heap. */
    Map<String, float[]> snapshot() {
        Map<String, float[]> copy = new LinkedHashMap<>();
        weights.forEach((name, w) -> copy.put(name, w.toFloatArray()));
        return copy;
    }

    /** Puts a snapshot's values back into the weights. */
    void restore(Map<String, float[]> snapshot) {
        weights.forEach((name, w) -> w.set(snapshot.get(name)));
    }

    /**
     * The output at every position, [batch, length, hidden], for left-padded item ids [batch, length] (int64).
     * With {@code training}, dropout is applied (masks from the engine's random seed).
     */
    NDArray forward(NDArray items, boolean training) {
        int d = p.hidden();
        long batch = items.getShape().get(0);
        long length = items.getShape().get(1);
        NDArray keep = items.neq(0).toType(DataType.FLOAT32, false).expandDims(2); // [B, L, 1]
        NDArray x = Djl.selectRows(weights.get("item_emb"), items.flatten()).reshape(batch, length, d)
                .mul(Djl.scalar(keep, Math.sqrt(d)));
        NDArray positions = weights.get("pos_emb").get((p.maxLength() - length) + ":");
        x = dropout(x.add(positions), training).mul(keep);
        NDArray bias = attentionBias(items);
        for (int l = 0; l < p.layers(); l++) {
            String b = "blocks." + l + ".";
            NDArray q = layerNorm(x, b + "attn_ln");
            x = q.add(attention(q, x, bias, b, training));
            NDArray f = layerNorm(x, b + "ffn_ln");
            NDArray inner = dropout(f.matMul(weights.get(b + "ffn.w1")).add(weights.get(b + "ffn.b1")), training)
                    ;
            inner = Activation.relu(inner);
            x = f.add(dropout(inner.matMul(weights.get(b + "ffn.w2")).add(weights.get(b + "ffn.b2")), training))
                    .mul(keep);
        }
        return layerNorm(x, "last_ln");
    }

    /** Scores of every item id (column 0 is padding) for outputs [rows, hidden]: [rows, items + 1]. */
    NDArray scores(NDArray outputs) {
        return outputs.matMul(weights.get("item_emb").transpose());
    }

    private NDArray attention(NDArray q, NDArray kv, NDArray bias, String b, boolean training) {
        int d = p.hidden();
        int h = p.heads();
        long batch = q.getShape().get(0);
        long length = q.getShape().get(1);
        NDArray w = weights.get(b + "attn.in_w");
        NDArray bi = weights.get(b + "attn.in_b");
        NDArray queries = q.matMul(w.get(":, 0:" + d)).add(bi.get("0:" + d));
        NDArray keys = kv.matMul(w.get(":, " + d + ":" + 2 * d)).add(bi.get(d + ":" + 2 * d));
        NDArray values = kv.matMul(w.get(":, " + 2 * d + ":")).add(bi.get(2 * d + ":"));
        queries = heads(queries, batch, length, h, d);
        keys = heads(keys, batch, length, h, d);
        values = heads(values, batch, length, h, d);
        NDArray attended = queries.matMul(keys.transpose(0, 1, 3, 2)).mul(Djl.scalar(q, 1 / Math.sqrt((double) d / h)))
                .add(bias).softmax(3);
        NDArray out = dropout(attended, training).matMul(values).transpose(0, 2, 1, 3).reshape(batch, length, d);
        return out.matMul(weights.get(b + "attn.out_w")).add(weights.get(b + "attn.out_b"));
    }

    /** [B, L, d] -> [B, h, L, d / h]. */
    private static NDArray heads(NDArray x, long batch, long length, int h, int d) {
        return x.reshape(batch, length, h, d / h).transpose(0, 2, 1, 3);
    }

    /** Additive mask [B, 1, L, L]: a query sees itself and earlier positions that hold an item. */
    private NDArray attentionBias(NDArray items) {
        long length = items.getShape().get(1);
        NDManager m = items.getManager();
        NDArray query = m.arange(length).reshape(length, 1);
        NDArray key = m.arange(length).reshape(1, length);
        NDArray later = key.gt(query).expandDims(0); // [1, L, L]
        NDArray padKey = items.eq(0).expandDims(1); // [B, 1, L]
        return later.logicalOr(padKey).toType(DataType.FLOAT32, false).mul(NEGATIVE).expandDims(1);
    }

    private NDArray layerNorm(NDArray x, String name) {
        NDArray mean = x.mean(new int[] {-1}, true);
        NDArray centred = x.sub(mean);
        NDArray variance = centred.square().mean(new int[] {-1}, true);
        return centred.div(variance.add(Djl.scalar(x, 1e-8)).sqrt()).mul(weights.get(name + ".w"))
                .add(weights.get(name + ".b"));
    }

    private NDArray dropout(NDArray x, boolean training) {
        if (!training || p.dropout() == 0) {
            return x;
        }
        NDArray keep = x.getManager().randomUniform(0f, 1f, x.getShape()).gte(p.dropout()).toType(x.getDataType(), false);
        return x.mul(keep).div(Djl.scalar(x, 1 - p.dropout()));
    }

    private void add(String name, NDArray w) {
        w.setName(name);
        weights.put(name, w);
    }

    private NDArray xavier(SplittableRandom random, int rows, int columns) {
        double std = Math.sqrt(2.0 / (rows + columns));
        float[] values = new float[rows * columns];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (std * gaussian(random));
        }
        return manager.create(values, new Shape(rows, columns));
    }

    private NDArray ones(int n) {
        return manager.ones(new Shape(n));
    }

    private NDArray zeros(int n) {
        return manager.zeros(new Shape(n));
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    @Override
    public void close() {
        manager.close();
    }
}
