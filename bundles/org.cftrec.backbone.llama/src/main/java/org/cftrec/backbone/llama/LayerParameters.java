package org.cftrec.backbone.llama;

import ai.djl.ndarray.NDArray;

import java.util.Map;

/**
 * One decoder layer's parameters as Hugging Face stores them, looked up by name once (the names are the checkpoint
 * format's business, not the forward pass's).
 *
 * @param inputNorm         RMSNorm weight before attention
 * @param q                 query projection (bias in Qwen2)
 * @param k                 key projection
 * @param v                 value projection
 * @param o                 attention output projection
 * @param postAttentionNorm RMSNorm weight before the MLP
 * @param gate              SwiGLU gate projection
 * @param up                SwiGLU up projection
 * @param down              MLP output projection
 */
record LayerParameters(NDArray inputNorm, Projection q, Projection k, Projection v, Projection o,
                       NDArray postAttentionNorm, Projection gate, Projection up, Projection down) {

    /**
     * A linear map y = x W^T (+ b).
     *
     * @param name   the module's name, e.g. {@code model.layers.0.self_attn.q_proj}: what LoRA adapters target
     * @param weight [out, in] as stored
     * @param bias   [out], or null
     */
    record Projection(String name, NDArray weight, NDArray bias) {
    }

    /** Every layer's parameters out of a name -> tensor map (the model's own, or one with LoRA merged in). */
    static LayerParameters[] of(Map<String, NDArray> weights, int layers) {
        LayerParameters[] all = new LayerParameters[layers];
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            all[l] = new LayerParameters(required(weights, p + "input_layernorm.weight"),
                    projection(weights, p + "self_attn.q_proj"), projection(weights, p + "self_attn.k_proj"),
                    projection(weights, p + "self_attn.v_proj"), projection(weights, p + "self_attn.o_proj"),
                    required(weights, p + "post_attention_layernorm.weight"), projection(weights, p + "mlp.gate_proj"),
                    projection(weights, p + "mlp.up_proj"), projection(weights, p + "mlp.down_proj"));
        }
        return all;
    }

    private static Projection projection(Map<String, NDArray> weights, String name) {
        return new Projection(name, required(weights, name + ".weight"), weights.get(name + ".bias"));
    }

    private static NDArray required(Map<String, NDArray> weights, String name) {
        NDArray weight = weights.get(name);
        if (weight == null) {
            throw new IllegalStateException("the model has no weight '" + name + "'");
        }
        return weight;
    }
}
