package org.cftrec.report;

import org.cftrec.api.data.ReferenceScores;
import org.cftrec.api.run.ExperimentResults;
import org.cftrec.api.run.ModeResults;
import org.cftrec.api.run.TrainingSummary;
import org.cftrec.api.run.VariantResults;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report's HTML tables: the comparison a researcher came for, the settings of each variant, all metrics. */
final class Tables {
    /** The history modes in the order a reader compares them. */
    static final List<String> MODES = List.of("factual", "removed", "shuffled");
    static final List<String> HEADLINE = List.of("NDCG@10", "HR@10");

    private Tables() {
    }

    /**
     * The variant every other is compared with: the first named {@code sft}, else the first with alpha 0, else
     * none (no deltas).
     */
    static String baseline(ExperimentResults results) {
        String byAlpha = null;
        for (Map.Entry<String, VariantResults> v : results.variants().entrySet()) {
            if (v.getKey().equalsIgnoreCase("sft")) {
                return v.getKey();
            }
            if (byAlpha == null && v.getValue().objective() != null && v.getValue().objective().alpha() == 0) {
                byAlpha = v.getKey();
            }
        }
        return byAlpha;
    }

    /**
     * One table per protocol: a row per variant, NDCG@10 and HR@10 for each history mode evaluated, then the
     * factual NDCG@10's difference to the baseline variant and to popularity, and the share of it kept without
     * the history; the baselines (popularity, item-kNN) as the last rows, on the recorded history only.
     */
    static String comparison(ExperimentResults results, String protocol) {
        String baseline = baseline(results);
        ReferenceScores popularity = results.references().stream().filter(r -> r.name().equals("popularity"))
                .findFirst().orElse(null);
        List<String> modes = new ArrayList<>();
        for (String mode : MODES) {
            if (results.variants().values().stream().anyMatch(v -> v.evaluation().getOrDefault(protocol, Map.of())
                    .containsKey(mode))) {
                modes.add(mode);
            }
        }
        StringBuilder html = new StringBuilder("<table class=\"comparison\" id=\"comparison-")
                .append(escape(protocol)).append("\"><tr><th rowspan=\"2\">variant</th>");
        for (String mode : modes) {
            html.append("<th colspan=\"2\">history ").append(mode).append("</th>");
        }
        html.append("<th rowspan=\"2\">NDCG@10 vs ").append(baseline == null ? "-" : escape(baseline))
                .append("</th><th rowspan=\"2\">NDCG@10 vs popularity</th><th rowspan=\"2\">kept without history</th>"
                        + "</tr><tr>");
        for (int i = 0; i < modes.size(); i++) {
            html.append("<th>NDCG@10</th><th>HR@10</th>");
        }
        html.append("</tr>");
        double base = baseline == null ? Double.NaN
                : metric(results.variants().get(baseline), protocol, "factual", "NDCG@10");
        double pop = popularity == null || !popularity.metrics().containsKey("NDCG@10") ? Double.NaN
                : popularity.metrics().get("NDCG@10");
        for (Map.Entry<String, VariantResults> v : results.variants().entrySet()) {
            html.append("<tr><td>").append(Charts.swatch(results, v.getKey())).append(escape(v.getKey())).append("</td>");
            for (String mode : modes) {
                for (String metric : HEADLINE) {
                    html.append("<td>").append(number(metric(v.getValue(), protocol, mode, metric))).append("</td>");
                }
            }
            double own = metric(v.getValue(), protocol, "factual", "NDCG@10");
            double removed = metric(v.getValue(), protocol, "removed", "NDCG@10");
            html.append("<td>").append(v.getKey().equals(baseline) ? "" : delta(own, base)).append("</td><td>")
                    .append(delta(own, pop)).append("</td><td>")
                    .append(Double.isNaN(removed) || !(own > 0) ? "-" : String.format(Locale.ROOT, "%.0f %%",
                            100 * removed / own))
                    .append("</td></tr>");
        }
        for (ReferenceScores reference : results.references()) {
            if (reference.name().equals("oracle")) {
                continue; // an upper bound, not a baseline: it stays in the metric tables
            }
            double own = reference.metrics().getOrDefault("NDCG@10", Double.NaN);
            html.append("<tr class=\"reference\"><td>").append(escape(referenceLabel(reference.name()))).append("</td>");
            for (int i = 0; i < modes.size(); i++) {
                html.append(i == 0 ? "<td>" + number(own) + "</td><td>"
                        + number(reference.metrics().getOrDefault("HR@10", Double.NaN)) + "</td>" : "<td></td><td></td>");
            }
            html.append("<td>").append(delta(own, base)).append("</td><td>")
                    .append(reference == popularity ? "" : delta(own, pop)).append("</td><td></td></tr>");
        }
        return html.append("</table>").toString();
    }

    /** How a reference is named in the comparison: what it ranks by. */
    private static String referenceLabel(String name) {
        return switch (name) {
            case "popularity" -> "popularity (training counts)";
            case "item-knn" -> "item-kNN (co-occurring training users)";
            case "sasrec" -> "SASRec (self-attention over item ids)";
            default -> name;
        };
    }

    /** Per variant: objective, weighting, trainer and how training went. */
    static String settings(ExperimentResults results) {
        StringBuilder html = new StringBuilder("<table class=\"settings\"><tr><th>variant</th><th>alpha</th>"
                + "<th>weight scope</th><th>branches</th><th>weighting</th><th>trainer</th><th>steps</th>"
                + "<th>best step</th><th>best validation L_n</th><th>training ended</th></tr>");
        for (Map.Entry<String, VariantResults> v : results.variants().entrySet()) {
            VariantResults r = v.getValue();
            TrainingSummary t = r.training();
            html.append("<tr><td>").append(Charts.swatch(results, v.getKey())).append(escape(v.getKey()))
                    .append("</td><td>").append(r.objective() == null ? "-" : number(r.objective().alpha()))
                    .append("</td><td>").append(r.objective() == null ? "-" : label(r.objective().weightScope()))
                    .append("</td><td>").append(r.objective() == null ? "-" : label(r.objective().branches()))
                    .append("</td><td>").append(escape(r.weighting() + " " + r.weightingParams()))
                    .append("</td><td>").append(escape(String.valueOf(r.trainer())))
                    .append("</td><td>").append(t == null ? "-" : t.steps())
                    .append("</td><td>").append(t == null ? "-" : t.bestStep())
                    .append("</td><td>").append(t == null ? "-" : number(t.bestValidationLoss()))
                    .append("</td><td>").append(t == null ? "-" : escape(t.reason())).append("</td></tr>");
        }
        return html.append("</table>").toString();
    }

    /** Every metric of every variant, protocol and mode (and the references), as results.csv has them. */
    static String allMetrics(List<String[]> rows) {
        StringBuilder html = new StringBuilder("<table class=\"all\"><tr><th>variant</th><th>protocol</th>"
                + "<th>history</th><th>metric</th><th>value</th></tr>");
        for (String[] r : rows) {
            html.append("<tr>");
            for (String cell : r) {
                html.append("<td>").append(escape(cell)).append("</td>");
            }
            html.append("</tr>");
        }
        return html.append("</table>").toString();
    }

    /** The rows of results.csv: variant, protocol, history, metric, value; then the references. */
    static List<String[]> rows(ExperimentResults results) {
        List<String[]> rows = new ArrayList<>();
        results.variants().forEach((variant, r) -> r.evaluation().forEach((protocol, modes) -> modes.forEach(
                (mode, scores) -> scores.metrics().forEach((metric, value) -> rows.add(new String[] {variant, protocol,
                        mode, metric, String.format(Locale.ROOT, "%.6f", value)})))));
        for (ReferenceScores reference : results.references()) {
            reference.metrics().forEach((metric, value) -> rows.add(new String[] {"(" + reference.name() + ")", "-",
                    "-", metric, String.format(Locale.ROOT, "%.6f", value)}));
        }
        return rows;
    }

    /** An enum as specs spell it: counterfactual-only, separate. */
    private static String label(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static double metric(VariantResults variant, String protocol, String mode, String metric) {
        ModeResults scores = variant == null ? null : variant.evaluation().getOrDefault(protocol, Map.of()).get(mode);
        return scores == null ? Double.NaN : scores.metric(metric);
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }

    /** "+0.0123 (+8 %)": the absolute and relative difference; "-" without both values. */
    private static String delta(double value, double reference) {
        if (Double.isNaN(value) || Double.isNaN(reference)) {
            return "-";
        }
        String relative = reference > 0 ? String.format(Locale.ROOT, " (%+.0f %%)", 100 * (value - reference) / reference)
                : "";
        return String.format(Locale.ROOT, "%+.4f", value - reference) + relative;
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
