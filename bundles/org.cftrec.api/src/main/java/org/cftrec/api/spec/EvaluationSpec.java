package org.cftrec.api.spec;


import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How trained models are evaluated.
 *
 * @param protocols    evaluator plugins to run; default {@code [d3]}
 * @param ks           cut-offs of HR@K and NDCG@K; default {@code [1, 3, 5, 10, 20]}
 * @param historyModes prompt variants to evaluate; default {@code [factual, removed, shuffled]}
 *                     (the last two measure how much a model relies on the history)
 * @param maxCases     evaluate at most this many test cases (the first ones); 0 (default) means all
 * @param protocolLimits per protocol name, a smaller budget than the above (e.g. {@code exact}, which scores
 *                     the whole catalogue per case: fewer cases, factual prompts only); default none
 */
public record EvaluationSpec(List<PluginRef> protocols, List<Integer> ks, List<HistoryMode> historyModes,
                             Integer maxCases, Map<String, ProtocolLimits> protocolLimits) {
    public EvaluationSpec {
        protocols = protocols == null ? List.of(PluginRef.of("d3")) : List.copyOf(protocols);
        ks = ks == null ? List.of(1, 3, 5, 10, 20) : List.copyOf(ks);
        if (ks.isEmpty() || ks.stream().anyMatch(k -> k == null || k < 1)) {
            throw new IllegalArgumentException("ks must be a non-empty list of integers >= 1, got " + ks);
        }
        historyModes = historyModes == null
                ? List.of(HistoryMode.FACTUAL, HistoryMode.REMOVED, HistoryMode.SHUFFLED) : List.copyOf(historyModes);
        requireFactual(historyModes);
        maxCases = maxCases == null ? 0 : requireCaseCount(maxCases);
        protocolLimits = protocolLimits == null ? Map.of() : Map.copyOf(protocolLimits);
        Set<String> names = protocols.stream().map(PluginRef::plugin).collect(Collectors.toSet());
        for (String name : protocolLimits.keySet()) {
            if (!names.contains(name)) {
                throw new IllegalArgumentException("protocolLimits names '" + name + "', which is not among the protocols "
                        + protocols.stream().map(PluginRef::plugin).toList());
            }
        }
    }

    public static EvaluationSpec defaults() {
        return new EvaluationSpec(null, null, null, null, null);
    }

    /** Test cases for {@code protocol}: its own limit where it has one, else {@link #maxCases}; 0 = all. */
    public int maxCases(String protocol) {
        ProtocolLimits limits = protocolLimits.get(protocol);
        return limits != null && limits.maxCases() != null ? limits.maxCases() : maxCases;
    }

    /** History modes for {@code protocol}: its own list where it has one, else {@link #historyModes}. */
    public List<HistoryMode> historyModes(String protocol) {
        ProtocolLimits limits = protocolLimits.get(protocol);
        return limits != null && limits.historyModes() != null ? limits.historyModes() : historyModes;
    }

    /**
     * A protocol's own budget; a null field inherits the evaluation-wide value.
     *
     * @param maxCases     at most this many test cases (0 = all)
     * @param historyModes prompt variants; must include {@code factual}
     */
    public record ProtocolLimits(Integer maxCases, List<HistoryMode> historyModes) {
        public ProtocolLimits {
            if (maxCases != null) {
                requireCaseCount(maxCases);
            }
            if (historyModes != null) {
                historyModes = requireFactual(List.copyOf(historyModes));
            }
        }
    }

    /** The largest cut-off. */
    public int maxK() {
        return ks.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    private static int requireCaseCount(int maxCases) {
        if (maxCases < 0) {
            throw new IllegalArgumentException("maxCases must be >= 0 (0 = all), got " + maxCases);
        }
        return maxCases;
    }

    private static List<HistoryMode> requireFactual(List<HistoryMode> historyModes) {
        if (!historyModes.contains(HistoryMode.FACTUAL)) {
            throw new IllegalArgumentException("historyModes must include 'factual', got " + historyModes);
        }
        return historyModes;
    }
}
