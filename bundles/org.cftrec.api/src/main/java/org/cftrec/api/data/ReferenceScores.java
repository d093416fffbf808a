package org.cftrec.api.data;

import java.util.Map;
import java.util.Objects;

/**
 * Metrics that do not come from a model, reported beside the models' results: for example the best
 * achievable scores of a synthetic generator ("oracle") or a popularity-only ranking ("popularity").
 *
 * @param name    short label shown in tables
 * @param metrics metric name (e.g. {@code HR@10}) -> value on the test split
 */
public record ReferenceScores(String name, Map<String, Double> metrics) {
    public ReferenceScores {
        Objects.requireNonNull(name, "name");
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics)); // in the order given
    }
}
