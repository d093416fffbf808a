package org.cftrec.backbone.llama;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The fields of a Hugging Face {@code config.json} this decoder implements. Fields it does not need
 * (architectures, initializer_range, transformers_version, ...) are ignored; fields that would change
 * the computation in ways it does not implement are refused by {@link #checkSupported()}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LlamaConfig(
        @JsonProperty("model_type") String modelType,
        @JsonProperty("vocab_size") Integer vocabSize,
        @JsonProperty("hidden_size") Integer hiddenSize,
        @JsonProperty("num_hidden_layers") Integer layers,
        @JsonProperty("num_attention_heads") Integer heads,
        @JsonProperty("num_key_value_heads") Integer kvHeads,
        @JsonProperty("intermediate_size") Integer intermediateSize,
        @JsonProperty("rms_norm_eps") Double rmsNormEps,
        @JsonProperty("rope_theta") Double ropeTheta,
        @JsonProperty("max_position_embeddings") Integer maxPositions,
        @JsonProperty("tie_word_embeddings") Boolean tieWordEmbeddings,
        @JsonProperty("hidden_act") String hiddenAct,
        @JsonProperty("attention_bias") Boolean attentionBias,
        @JsonProperty("mlp_bias") Boolean mlpBias,
        @JsonProperty("rope_scaling") JsonNode ropeScaling,
        @JsonProperty("use_sliding_window") Boolean useSlidingWindow,
        @JsonProperty("sliding_window") Integer slidingWindow,
        @JsonProperty("head_dim") Integer headDim,
        @JsonProperty("bos_token_id") Integer bosTokenId,
        @JsonProperty("eos_token_id") JsonNode eosTokenId,
        @JsonProperty("pad_token_id") Integer padTokenId,
        @JsonProperty("torch_dtype") String torchDtype,
        @JsonProperty("architectures") java.util.List<String> architectures) {

    public LlamaConfig {
        modelType = modelType == null ? "llama" : modelType;
        kvHeads = kvHeads == null ? heads : kvHeads;
        rmsNormEps = rmsNormEps == null ? 1e-6 : rmsNormEps;
        ropeTheta = ropeTheta == null ? 10000.0 : ropeTheta;
        maxPositions = maxPositions == null ? 2048 : maxPositions;
        tieWordEmbeddings = tieWordEmbeddings == null ? Boolean.FALSE : tieWordEmbeddings;
        hiddenAct = hiddenAct == null ? "silu" : hiddenAct;
        attentionBias = attentionBias == null ? "qwen2".equals(modelType) : attentionBias;
        mlpBias = mlpBias == null ? Boolean.FALSE : mlpBias;
    }

    /** The same model with {@code rows} token embeddings (after tokens were added to its tokenizer). */
    public LlamaConfig withVocabSize(int rows) {
        return new LlamaConfig(modelType, rows, hiddenSize, layers, heads, kvHeads, intermediateSize, rmsNormEps,
                ropeTheta, maxPositions, tieWordEmbeddings, hiddenAct, attentionBias, mlpBias, ropeScaling,
                useSlidingWindow, slidingWindow, headDim, bosTokenId, eosTokenId, padTokenId, torchDtype, architectures);
    }

    /** Per-head width. */
    public int headSize() {
        return headDim != null ? headDim : hiddenSize / heads;
    }

    /** The first end-of-sequence id ({@code eos_token_id} may be a number or a list). */
    public Integer firstEosTokenId() {
        if (eosTokenId == null || eosTokenId.isNull()) {
            return null;
        }
        return eosTokenId.isArray() ? eosTokenId.get(0).asInt() : eosTokenId.asInt();
    }

    /** Refuses what this implementation does not compute; the message names the config field. */
    public void checkSupported() {
        java.util.List<String> supported = java.util.List.of("llama", "qwen2", "mistral");
        require(supported.contains(modelType), "model_type '" + modelType + "' is not supported; supported: "
                + String.join(", ", supported));
        require(vocabSize != null && vocabSize > 0, "vocab_size must be set and > 0");
        require(hiddenSize != null && hiddenSize > 0, "hidden_size must be set and > 0");
        require(layers != null && layers > 0, "num_hidden_layers must be set and > 0");
        require(heads != null && heads > 0, "num_attention_heads must be set and > 0");
        require(intermediateSize != null && intermediateSize > 0, "intermediate_size must be set and > 0");
        require(kvHeads != null && kvHeads > 0, "num_key_value_heads must be > 0");
        require(Double.isFinite(rmsNormEps) && rmsNormEps > 0, "rms_norm_eps " + rmsNormEps + " must be a finite number > 0");
        require(Double.isFinite(ropeTheta) && ropeTheta > 0, "rope_theta " + ropeTheta + " must be a finite number > 0");
        require(maxPositions > 0, "max_position_embeddings " + maxPositions + " must be > 0");
        require(headDim == null || headDim > 0, "head_dim must be > 0");
        require(eosTokenId == null || eosTokenId.isNull() || eosIdsValid(),
                "eos_token_id " + eosTokenId + " must be a token id in [0, vocab_size) or a non-empty list of them");
        require(padTokenId == null || (padTokenId >= 0 && padTokenId < vocabSize),
                "pad_token_id " + padTokenId + " must be a token id in [0, vocab_size)");
        require(heads % kvHeads == 0, "num_attention_heads (" + heads + ") must be a multiple of num_key_value_heads ("
                + kvHeads + ")");
        require(headDim != null || hiddenSize % heads == 0, "hidden_size must be divisible by num_attention_heads");
        require(headSize() % 2 == 0, "the head size (" + headSize() + ") must be even for rotary embeddings");
        require("silu".equals(hiddenAct), "hidden_act '" + hiddenAct + "' is not supported; supported: silu");
        require(ropeScaling == null || ropeScaling.isNull(), "rope_scaling " + ropeScaling
                + " is not supported; only plain RoPE (rope_scaling null) is implemented");
        require(!Boolean.TRUE.equals(useSlidingWindow), "use_sliding_window true is not supported");
        require(!"mistral".equals(modelType) || slidingWindow == null || slidingWindow >= maxPositions,
                "sliding_window " + slidingWindow + " is not supported (needs full attention)");
        require(!mlpBias, "mlp_bias true is not supported");
    }

    private boolean eosIdsValid() {
        List<JsonNode> ids = new ArrayList<>();
        if (eosTokenId.isArray()) {
            eosTokenId.forEach(ids::add);
        } else {
            ids.add(eosTokenId);
        }
        return !ids.isEmpty() && ids.stream().allMatch(id -> id.canConvertToInt() && id.isIntegralNumber()
                && id.asInt() >= 0 && id.asInt() < vocabSize);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("config.json: " + message);
        }
    }
}
