package org.cftrec.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Which losses the token weights apply to. The authors' code weights both L_n and L_c ({@link #BOTH},
 * the default); the paper's wording reads as if only L_c is weighted ({@link #COUNTERFACTUAL_ONLY}).
 */
public enum WeightScope {
    @JsonProperty("both") BOTH,
    @JsonProperty("counterfactual-only") COUNTERFACTUAL_ONLY
}
