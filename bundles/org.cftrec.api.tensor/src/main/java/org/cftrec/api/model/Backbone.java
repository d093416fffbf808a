package org.cftrec.api.model;

import org.osgi.annotation.versioning.ConsumerType;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * An opened decoder LLM. Inputs are left padded; positions are given explicitly so that padding never
 * shifts them, and masked keys are never attended to.
 */
@ConsumerType
public interface Backbone extends AutoCloseable {

    TextTokenizer tokenizer();

    ModelShape shape();

    Device device();

    /** The manager that owns the weights; temporary arrays should live in sub-managers of it. */
    NDManager manager();

    /**
     * Trainable weights by their Hugging Face names, in a stable order. Trainers attach gradients to these
     * arrays and update them in place.
     */
    Map<String, NDArray> parameters();

    /**
     * Final-layer (normed) hidden states.
     *
     * @param tokenIds      [B, T] int64
     * @param positionIds   [B, T] int64, 0 at each row's first real token
     * @param attentionMask [B, T] 1 for real tokens, 0 for padding
     * @return [B, T, hidden]
     */
    NDArray hiddenStates(NDArray tokenIds, NDArray positionIds, NDArray attentionMask, boolean training);

    /** Vocabulary logits of selected hidden vectors: [N, hidden] -> [N, vocab]. */
    NDArray vocabularyLogits(NDArray hidden);

    /**
     * Trainers call this right after each backward pass of a training loss, inside the same gradient collector.
     * A backbone that defers part of its backward pass does it here: with activation (gradient) checkpointing,
     * training forwards keep only each layer's input, and this recomputes the layers one at a time and
     * propagates their gradients. The default has nothing deferred.
     */
    default void finishBackward() {
    }

    /** Runs the prompts once and returns a state positioned after their last token. */
    DecodingState prefill(NDArray tokenIds, NDArray positionIds, NDArray attentionMask);

    /** Writes config.json, model.safetensors and tokenizer.json in the Hugging Face layout. */
    void save(Path directory) throws IOException;

    /**
     * A copy of this model on another device ("cpu", "gpu1", ...) for data-parallel training: same tokenizer
     * and shape, its own copy of the current weights. Closing the replica frees only what it owns.
     *
     * @throws UnsupportedOperationException where the backbone cannot be replicated (the default)
     */
    default Backbone replicate(String device) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot be replicated for data parallelism");
    }

    @Override
    void close();
}
