package org.cftrec.prompt.alpaca;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a template's counterfactual prompt leaves the history out. */
public enum CounterfactualForm {
    /** The history block is removed (the reference code). */
    @JsonProperty("drop-input") DROP_INPUT,
    /** The history block stays, with a placeholder word instead of the titles. */
    @JsonProperty("placeholder") PLACEHOLDER
}
