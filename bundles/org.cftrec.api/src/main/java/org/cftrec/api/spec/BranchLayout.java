package org.cftrec.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How the factual and counterfactual rows of a micro-batch reach the backbone: stacked into one forward
 * call (default; the counterfactual rows are padded to the factual length) or as two separate calls.
 */
public enum BranchLayout {
    @JsonProperty("stacked") STACKED,
    @JsonProperty("separate") SEPARATE
}
