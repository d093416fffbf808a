package org.cftrec.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How the factual and counterfactual rows of a micro-batch reach the backbone: as two forward calls, each
 * at its own length ({@code separate}, the default), or stacked into one call with the counterfactual rows
 * padded to the factual length ({@code stacked}). Measured on a 2-core CPU with the peer's shape (bench:train;
 * README, Benchmarks), separate costs 1.46x an SFT step and stacked 1.79x, because the padding doubles the
 * counterfactual work;
 * stacked can pay where per-call overhead dominates (GPU, short prompts).
 */
public enum BranchLayout {
    @JsonProperty("stacked") STACKED,
    @JsonProperty("separate") SEPARATE
}
