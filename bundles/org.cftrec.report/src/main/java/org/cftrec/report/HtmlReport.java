package org.cftrec.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.cftrec.api.data.ReferenceScores;
import org.cftrec.api.run.ExperimentResults;
import org.cftrec.api.run.ModeResults;
import org.cftrec.api.run.VariantResults;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cftrec.api.AtomicFiles;
import org.cftrec.api.run.RunReporter;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.osgi.service.component.annotations.Component;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of a run, from its run directory alone: {@code report.html} (self-contained: charts are embedded
 * PNGs), the same charts as files in {@code report/}, and {@code results.csv} (one row per variant, protocol,
 * history mode and metric). Charts: training and validation loss per variant; NDCG@K and HR@K per variant
 * next to the dataset's references; NDCG@10 with the history as recorded, removed and shuffled.
 */
@Component(service = RunReporter.class)
public class HtmlReport implements RunReporter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WIDTH = 720;
    private static final int HEIGHT = 400;

    @Override
    public Path write(Path run) throws IOException {
        System.setProperty("java.awt.headless", "true");
        ExperimentResults results = JSON.readValue(run.resolve("results.json").toFile(), ExperimentResults.class);
        Map<String, JFreeChart> charts = new LinkedHashMap<>();
        charts.put("training-loss", lossChart(run.resolve("metrics.jsonl")));
        for (String protocol : results.protocols()) {
            charts.put("ndcg-" + protocol, metricChart(results, protocol, "NDCG"));
            charts.put("hr-" + protocol, metricChart(results, protocol, "HR"));
            charts.put("history-" + protocol, historyChart(results, protocol));
            charts.put("popularity-" + protocol, popularityChart(results, protocol));
        }
        JFreeChart sweep = sweepChart(results);
        if (sweep != null) {
            charts.put("sweep", sweep);
        }
        Path folder = run.resolve("report");
        Files.createDirectories(folder);
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>CFTRec run ")
                .append(escape(run.getFileName().toString())).append("</title><style>")
                .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}")
                .append("table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;")
                .append("text-align:right}th{background:#f4f4f4}td:nth-child(-n+3){text-align:left}")
                .append("img{border:1px solid #ddd;margin:8px 0}</style></head><body>");
        html.append("<h1>CFTRec run ").append(escape(run.getFileName().toString())).append("</h1>");
        html.append("<p>Experiment <b>").append(escape(results.name())).append("</b>, dataset <b>")
                .append(escape(results.dataset())).append("</b>, seed ")
                .append(results.seed()).append(".</p>");
        html.append("<h2>Results</h2>").append(table(results));
        for (Map.Entry<String, JFreeChart> chart : charts.entrySet()) {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(png, chart.getValue(), WIDTH, HEIGHT);
            AtomicFiles.write(folder.resolve(chart.getKey() + ".png"), png.toByteArray());
            html.append("<h2>").append(escape(chart.getValue().getTitle().getText())).append("</h2><img alt=\"")
                    .append(chart.getKey()).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(png.toByteArray())).append("\">");
        }
        Path provenance = run.resolve("provenance.json");
        if (Files.exists(provenance)) {
            html.append("<h2>Provenance</h2><pre>").append(escape(Files.readString(provenance))).append("</pre>");
        }
        html.append("</body></html>\n");
        AtomicFiles.write(run.resolve("results.csv"), csv(results).getBytes(StandardCharsets.UTF_8));
        Path report = run.resolve("report.html");
        AtomicFiles.write(report, html.toString().getBytes(StandardCharsets.UTF_8));
        return report;
    }

    /** Training loss per step and validation L_n per variant. */
    static JFreeChart lossChart(Path metrics) throws IOException {
        Map<String, XYSeries> series = new LinkedHashMap<>();
        if (Files.exists(metrics)) {
            for (String line : Files.readAllLines(metrics)) {
                JsonNode m = JSON.readTree(line);
                String variant = m.path("variant").asText();
                boolean step = m.path("type").asText().equals("step");
                String key = variant + (step ? " train L" : " valid L_n");
                series.computeIfAbsent(key, k -> new XYSeries(k, false, true))
                        .addOrUpdate(m.path("step").asDouble(), step ? m.path("loss").asDouble()
                                : m.path("factualLoss").asDouble());
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        return ChartFactory.createXYLineChart("Training and validation loss", "optimiser step", "loss", data,
                PlotOrientation.VERTICAL, true, false, false);
    }

    /** Metric@K per variant (factual history) next to the reference scores. */
    static JFreeChart metricChart(ExperimentResults results, String protocol, String metric) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        results.variants().forEach((name, variant) -> {
            ModeResults factual = variant.evaluation().getOrDefault(protocol, Map.of()).get("factual");
            if (factual != null) {
                addMetric(data, name, factual.metrics(), metric);
            }
        });
        for (ReferenceScores reference : results.references()) {
            addMetric(data, "(" + reference.name() + ")", reference.metrics(), metric);
        }
        return ChartFactory.createBarChart(metric + "@K by variant, " + protocol + " protocol", "K", metric, data,
                PlotOrientation.VERTICAL, true, false, false);
    }

    private static void addMetric(DefaultCategoryDataset data, String row, Map<String, Double> metrics, String metric) {
        metrics.entrySet().stream().filter(e -> e.getKey().startsWith(metric + "@"))
                .sorted(Map.Entry.comparingByKey(ModeResults.METRIC_ORDER))
                .forEach(e -> data.addValue(e.getValue(), row, e.getKey().substring(metric.length() + 1)));
    }

    /** NDCG@10 (or the largest K below it) with the history as recorded, removed and shuffled. */
    static JFreeChart historyChart(ExperimentResults results, String protocol) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        results.variants().forEach((name, variant) -> variant.evaluation().getOrDefault(protocol, Map.of())
                .forEach((mode, scores) -> data.addValue(scores.metric("NDCG@10"), mode, name)));
        return ChartFactory.createBarChart("How much each model relies on the history (NDCG@10, " + protocol + ")",
                "variant", "NDCG@10", data, PlotOrientation.VERTICAL, true, false, false);
    }

    /**
     * The alpha x beta sensitivity of a sweep: NDCG@10 (first protocol, factual history) against alpha, one line
     * per beta of the weighting schedule; variants without a beta (e.g. SFT with uniform weights) are single
     * points. Null unless at least two variants differ in alpha or beta.
     */
    static JFreeChart sweepChart(ExperimentResults results) {
        Map<String, XYSeries> lines = new LinkedHashMap<>();
        java.util.Set<String> settings = new java.util.HashSet<>();
        String protocol = results.protocols().stream().findFirst().orElse("");
        for (Map.Entry<String, VariantResults> variant : results.variants().entrySet()) {
            VariantResults r = variant.getValue();
            Object beta = r.weightingParams().get("beta");
            double alpha = r.objective() == null ? 0 : r.objective().alpha();
            String line = beta instanceof Number ? r.weighting() + " beta " + beta
                    : variant.getKey() + " (" + r.weighting() + ")";
            settings.add(alpha + "/" + line);
            ModeResults factual = r.evaluation().getOrDefault(protocol, Map.of()).get("factual");
            if (factual != null && factual.metrics().containsKey("NDCG@10")) {
                lines.computeIfAbsent(line, k -> new XYSeries(k, true, true)).addOrUpdate(alpha, factual.metric("NDCG@10"));
            }
        }
        boolean sweep = lines.values().stream().anyMatch(s -> s.getItemCount() >= 2) && settings.size() >= 3;
        if (!sweep) {
            return null;
        }
        XYSeriesCollection data = new XYSeriesCollection();
        lines.values().forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart("Sensitivity to alpha and beta (NDCG@10, " + protocol
                + ", factual history)", "alpha (weight of the counterfactual loss)", "NDCG@10", data,
                PlotOrientation.VERTICAL, true, false, false);
        org.jfree.chart.renderer.xy.XYLineAndShapeRenderer renderer =
                new org.jfree.chart.renderer.xy.XYLineAndShapeRenderer(true, true);
        chart.getXYPlot().setRenderer(renderer);
        return chart;
    }

    /** Share of recommended items (top 10, factual history) per popularity quintile, and of test-history items. */
    static JFreeChart popularityChart(ExperimentResults results, String protocol) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<Double> histories = null;
        for (Map.Entry<String, VariantResults> variant : results.variants().entrySet()) {
            ModeResults factual = variant.getValue().evaluation().getOrDefault(protocol, Map.of()).get("factual");
            if (factual == null || factual.popularity() == null) {
                continue;
            }
            addQuintiles(data, variant.getKey() + " recommended", factual.popularity().recommendedTop10());
            histories = factual.popularity().testHistories();
        }
        if (histories != null) {
            addQuintiles(data, "test histories", histories);
        }
        return ChartFactory.createBarChart("Popularity of recommended items (" + protocol + ", top 10) vs. history items",
                "popularity quintile of training counts (Q5 = most popular)", "share of items", data,
                PlotOrientation.VERTICAL, true, false, false);
    }

    private static void addQuintiles(DefaultCategoryDataset data, String row, List<Double> shares) {
        for (int q = 0; q < shares.size(); q++) {
            data.addValue(shares.get(q), row, "Q" + (q + 1));
        }
    }

    private static String table(ExperimentResults results) {
        List<String[]> rows = rows(results);
        StringBuilder out = new StringBuilder("<table><tr><th>variant</th><th>protocol</th><th>history</th>"
                + "<th>metric</th><th>value</th></tr>");
        for (String[] r : rows) {
            out.append("<tr>");
            for (String cell : r) {
                out.append("<td>").append(escape(cell)).append("</td>");
            }
            out.append("</tr>");
        }
        return out.append("</table>").toString();
    }

    static String csv(ExperimentResults results) {
        StringBuilder out = new StringBuilder("variant,protocol,history,metric,value\n");
        for (String[] r : rows(results)) {
            out.append(String.join(",", r)).append('\n');
        }
        return out.toString();
    }

    private static List<String[]> rows(ExperimentResults results) {
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

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
