package org.cftrec.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How the history appears in evaluation prompts (and, factual or removed, in training: objective.history): as
 * recorded, removed (the counterfactual prompt), or shuffled.
 */
public enum HistoryMode {
    @JsonProperty("factual") FACTUAL,
    @JsonProperty("removed") REMOVED,
    @JsonProperty("shuffled") SHUFFLED
}
