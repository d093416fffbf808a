package org.cftrec.api.run;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of one protocol under one history mode. In JSON the metrics sit beside the other fields
 * ({@code "HR@10": 0.12, "NDCG@10": 0.07, "cases": 200, ...}).
 *
 * @param metrics        metric name ({@code HR@k}, {@code NDCG@k}) -> value; kept in the order of {@link #METRIC_ORDER}
 * @param cases          test cases ranked
 * @param casesPerSecond ranking speed
 * @param popularity     popularity quintile shares (Q1 least popular .. Q5) of what was recommended and of the
 *                       test histories
 */
@JsonPropertyOrder({"cases", "casesPerSecond", "popularity"})
public record ModeResults(@JsonAnyGetter @JsonAnySetter Map<String, Double> metrics, int cases, double casesPerSecond,
                          Popularity popularity) {
    /** HR@k before NDCG@k, each by k as a number (HR@3 before HR@10), then other names alphabetically. */
    public static final Comparator<String> METRIC_ORDER = Comparator
            .comparing((String name) -> name.startsWith("HR@") ? 0 : name.startsWith("NDCG@") ? 1 : 2)
            .thenComparingInt(ModeResults::cutoff)
            .thenComparing(Comparator.naturalOrder());

    public ModeResults {
        Map<String, Double> ordered = new LinkedHashMap<>();
        (metrics == null ? Map.<String, Double>of() : metrics).entrySet().stream()
                .sorted(Map.Entry.comparingByKey(METRIC_ORDER))
                .forEach(e -> ordered.put(e.getKey(), e.getValue()));
        metrics = Collections.unmodifiableMap(ordered);
    }

    private static int cutoff(String name) {
        int at = name.indexOf('@');
        try {
            return at < 0 ? Integer.MAX_VALUE : Integer.parseInt(name.substring(at + 1));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** A metric's value, or NaN when it was not computed (e.g. a k beyond the protocol's list). */
    public double metric(String name) {
        Double value = metrics.get(name);
        return value == null ? Double.NaN : value;
    }

    /**
     * @param recommendedTop10 shares of the top-10 recommendations per quintile
     * @param testHistories    shares of the items in the test histories per quintile
     */
    public record Popularity(List<Double> recommendedTop10, List<Double> testHistories) {
    }
}
