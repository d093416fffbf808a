package org.cftrec.runtime.console;

import org.cftrec.api.data.ReferenceScores;
import org.cftrec.api.run.ExperimentResults;
import org.cftrec.api.run.ModeResults;
import org.cftrec.api.run.TrainingSummary;
import org.cftrec.api.run.VariantResults;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Several runs of one spec (different seeds) as one Markdown table: per variant, protocol and history mode,
 * the mean and sample standard deviation of each metric over the runs, and of the best validation L_n; then the
 * references (popularity, item-kNN), which see the recorded history only.
 */
final class SeedSummary {
    private SeedSummary() {
    }

    static String render(List<ExperimentResults> runs, List<String> metrics) {
        // key "variant|protocol|mode" -> column -> values over the runs, in first-seen order
        Map<String, Map<String, List<Double>>> cells = new LinkedHashMap<>();
        List<String> seeds = new ArrayList<>();
        for (ExperimentResults run : runs) {
            seeds.add(String.valueOf(run.seed()));
            for (Map.Entry<String, VariantResults> variant : run.variants().entrySet()) {
                TrainingSummary training = variant.getValue().training();
                double validation = training == null ? Double.NaN : training.bestValidationLoss();
                for (Map.Entry<String, Map<String, ModeResults>> protocol : variant.getValue().evaluation().entrySet()) {
                    for (Map.Entry<String, ModeResults> mode : protocol.getValue().entrySet()) {
                        Map<String, List<Double>> row = cells.computeIfAbsent(
                                variant.getKey() + "|" + protocol.getKey() + "|" + mode.getKey(), k -> new LinkedHashMap<>());
                        for (String metric : metrics) {
                            Double value = mode.getValue().metrics().get(metric);
                            if (value != null) {
                                row.computeIfAbsent(metric, k -> new ArrayList<>()).add(value);
                            }
                        }
                        row.computeIfAbsent("cases", k -> new ArrayList<>()).add((double) mode.getValue().cases());
                        if (!Double.isNaN(validation)) {
                            row.computeIfAbsent("val L_n", k -> new ArrayList<>()).add(validation);
                        }
                    }
                }
            }
            for (ReferenceScores reference : run.references()) {
                Map<String, List<Double>> row = cells.computeIfAbsent("(" + reference.name() + ")|-|factual",
                        k -> new LinkedHashMap<>());
                for (String metric : metrics) {
                    Double value = reference.metrics().get(metric);
                    if (value != null) {
                        row.computeIfAbsent(metric, k -> new ArrayList<>()).add(value);
                    }
                }
            }
        }
        List<String> columns = new ArrayList<>(metrics);
        columns.add("val L_n");
        StringBuilder out = new StringBuilder();
        out.append("Mean ± sample std over ").append(runs.size()).append(" runs (seeds ")
                .append(String.join(", ", seeds)).append(").\n\n");
        out.append("| variant | protocol | history | cases | ").append(String.join(" | ", columns)).append(" |\n");
        out.append("|---|---|---|---|").append("---|".repeat(columns.size())).append('\n');
        for (Map.Entry<String, Map<String, List<Double>>> row : cells.entrySet()) {
            String[] key = row.getKey().split("\\|");
            List<Double> cases = row.getValue().get("cases");
            out.append("| ").append(key[0]).append(" | ").append(key[1]).append(" | ").append(key[2]).append(" | ")
                    .append(cases == null ? "-" : String.format(Locale.ROOT, "%.0f", cases.get(0))).append(" |");
            for (String column : columns) {
                out.append(' ').append(meanStd(row.getValue().get(column))).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** "mean ± std" with the sample (n - 1) standard deviation; "-" without values. */
    static String meanStd(List<Double> values) {
        if (values == null || values.isEmpty()) {
            return "-";
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        if (values.size() == 1) {
            return String.format(Locale.ROOT, "%.4f", mean);
        }
        double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return String.format(Locale.ROOT, "%.4f ± %.4f", mean, Math.sqrt(squares / (values.size() - 1)));
    }
}
