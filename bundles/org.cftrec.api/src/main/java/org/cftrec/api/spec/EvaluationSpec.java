package org.cftrec.api.spec;

import org.cftrec.api.eval.HistoryMode;

import java.util.List;

/**
 * How trained models are evaluated.
 *
 * @param protocols    evaluator plugins to run; default {@code [d3]}
 * @param ks           cut-offs of HR@K and NDCG@K; default {@code [1, 3, 5, 10, 20]}
 * @param historyModes prompt variants to evaluate; default {@code [factual, removed, shuffled]}
 *                     (the last two measure how much a model relies on the history)
 * @param maxCases     evaluate at most this many test cases (the first ones); 0 (default) means all
 */
public record EvaluationSpec(List<PluginRef> protocols, List<Integer> ks, List<HistoryMode> historyModes,
                             Integer maxCases) {
    public EvaluationSpec {
        protocols = protocols == null ? List.of(PluginRef.of("d3")) : List.copyOf(protocols);
        ks = ks == null ? List.of(1, 3, 5, 10, 20) : List.copyOf(ks);
        if (ks.isEmpty() || ks.stream().anyMatch(k -> k == null || k < 1)) {
            throw new IllegalArgumentException("ks must be a non-empty list of integers >= 1, got " + ks);
        }
        historyModes = historyModes == null
                ? List.of(HistoryMode.FACTUAL, HistoryMode.REMOVED, HistoryMode.SHUFFLED) : List.copyOf(historyModes);
        if (!historyModes.contains(HistoryMode.FACTUAL)) {
            throw new IllegalArgumentException("historyModes must include 'factual', got " + historyModes);
        }
        maxCases = maxCases == null ? 0 : maxCases;
        if (maxCases < 0) {
            throw new IllegalArgumentException("maxCases must be >= 0 (0 = all), got " + maxCases);
        }
    }

    public static EvaluationSpec defaults() {
        return new EvaluationSpec(null, null, null, null);
    }

    /** The largest cut-off. */
    public int maxK() {
        return ks.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }
}
