package org.cftrec.api.model;

import org.osgi.annotation.versioning.ConsumerType;

import ai.djl.ndarray.NDArray;

/**
 * Incremental decoding over a batch of rows with a key-value cache: one call per generated token.
 */
@ConsumerType
public interface DecodingState extends AutoCloseable {

    /** Final-layer hidden state at each row's newest position, [rows, hidden]. */
    NDArray lastHidden();

    /**
     * Vocabulary logits at each row's newest position, [rows, vocab]. May be computed on each call (from
     * {@link #lastHidden}) and belong to the caller's scope: call it once per step and close what it returns.
     */
    NDArray lastLogits();

    /** Appends one token per row ([rows], int64) and advances the cache by one position. */
    void append(NDArray nextTokens);

    /** Keeps and reorders rows (beam search): row i of the new state is row {@code rows[i]} of the old one. */
    void select(NDArray rows);

    /** A new, independent state whose row i is row {@code rows[i]} of this one (this state is unchanged). */
    DecodingState fork(NDArray rows);

    @Override
    void close();
}
