package org.cftrec.backbone.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.cftrec.djl.Djl;

import java.util.ArrayList;
import java.util.List;

/**
 * One decoder layer's weights laid out for the forward pass, derived from the Hugging Face tensors: every
 * projection transposed to [in, out] and stored contiguously (a product with a transposed view runs 15 %
 * slower on CPU), q, k and v fused into one product with the attention scale 1/sqrt(headSize) folded into q,
 * gate and up fused into another, and each RMSNorm's weight folded into the rows of the product that follows it
 * ((x / rms ⊙ w) W = (x / rms)(diag(w) W)). Fewer, larger products: a decoding step is dominated by small
 * operations. Built from the parameters with differentiable operations, so training sees gradients on the
 * originals.
 *
 * @param qkv     [hidden, (heads + 2 kvHeads) headSize]: scaled q, then k, then v; rows scaled by the input norm
 * @param qkvBias the same columns' biases, or null (models without attention biases)
 * @param output  [heads headSize, hidden]
 * @param gateUp  [hidden, 2 intermediate]: gate, then up; rows scaled by the post-attention norm
 * @param down    [intermediate, hidden]
 */
record LayerWeights(NDArray qkv, NDArray qkvBias, NDArray output, NDArray gateUp, NDArray down) {

    static LayerWeights[] of(LayerParameters[] parameters, LlamaConfig config) {
        double scale = 1.0 / Math.sqrt(config.headSize());
        LayerWeights[] layers = new LayerWeights[parameters.length];
        for (int l = 0; l < layers.length; l++) {
            LayerParameters p = parameters[l];
            NDArray q = p.q().weight();
            NDArray qkv = NDArrays.concat(new NDList(q.mul(Djl.scalar(q, scale)).transpose(),
                    p.k().weight().transpose(), p.v().weight().transpose()), 1)
                    .mul(p.inputNorm().reshape(-1, 1));
            NDArray qBias = p.q().bias();
            NDArray qkvBias = qBias == null ? null : NDArrays.concat(new NDList(qBias.mul(Djl.scalar(qBias, scale)),
                    p.k().bias(), p.v().bias()), 0);
            NDArray gateUp = NDArrays.concat(new NDList(p.gate().weight().transpose(), p.up().weight().transpose()), 1)
                    .mul(p.postAttentionNorm().reshape(-1, 1));
            layers[l] = new LayerWeights(qkv, qkvBias, contiguousTranspose(p.o().weight()), gateUp,
                    contiguousTranspose(p.down().weight()));
        }
        return layers;
    }

    /** The arrays made here. */
    List<NDArray> derived() {
        List<NDArray> arrays = new ArrayList<>(List.of(qkv, output, gateUp, down));
        if (qkvBias != null) {
            arrays.add(qkvBias);
        }
        return arrays;
    }

    /** [out, in] → contiguous [in, out]: flattening a transposed view copies it in the new order. */
    private static NDArray contiguousTranspose(NDArray matrix) {
        long out = matrix.getShape().get(0);
        long in = matrix.getShape().get(1);
        return matrix.transpose().flatten().reshape(in, out);
    }
}
