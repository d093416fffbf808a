package org.cftrec.api.model;

/** Sizes of a backbone, for logs, provenance and FLOP estimates. */
public record ModelShape(String architecture, int vocabularySize, int hiddenSize, int layers, int attentionHeads,
                         int keyValueHeads, int intermediateSize, long parameterCount) {
}
