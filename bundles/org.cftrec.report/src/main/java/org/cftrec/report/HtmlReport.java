package org.cftrec.report;

import org.cftrec.api.run.ExperimentResults;
import org.cftrec.api.run.ModeResults;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cftrec.api.AtomicFiles;
import org.cftrec.api.run.RunReporter;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.osgi.service.component.annotations.Component;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report of a run, from its run directory alone: {@code report.html} (self-contained: charts are embedded
 * PNGs), the same charts as files in {@code report/}, and {@code results.csv} (one row per variant, protocol,
 * history mode and metric). The page leads with the comparison a researcher came for (variants x history modes,
 * NDCG@10 and HR@10, differences to the SFT baseline and to popularity) and the settings of each variant; then
 * the charts (L_n and L_c, metric@K, history sensitivity, popularity profile, the alpha x beta sweep); every metric
 * and the provenance are a click away.
 */
@Component(service = RunReporter.class)
public class HtmlReport implements RunReporter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WIDTH = 720;
    private static final int HEIGHT = 400;
    private static final String STYLE = "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
            + "table{border-collapse:collapse;font-size:13px;margin:6px 0 14px}td,th{border:1px solid #ccc;"
            + "padding:3px 8px;text-align:right}th{background:#f4f4f4;text-align:center}td:first-child{text-align:left}"
            + "table.settings td{text-align:left}tr.reference td{color:#555;font-style:italic}"
            + ".swatch{display:inline-block;width:10px;height:10px;margin-right:6px;border:1px solid #888}"
            + "img{border:1px solid #ddd;margin:8px 0;max-width:100%}p.note{color:#555;font-size:13px}"
            + "details{margin:10px 0}summary{cursor:pointer;font-weight:bold}";

    @Override
    public Path write(Path run) throws IOException {
        System.setProperty("java.awt.headless", "true");
        ExperimentResults results = JSON.readValue(run.resolve("results.json").toFile(), ExperimentResults.class);
        Map<String, JFreeChart> charts = new LinkedHashMap<>();
        charts.put("loss-factual", Charts.factualLoss(results, run.resolve("metrics.jsonl")));
        JFreeChart counterfactual = Charts.counterfactualLoss(results, run.resolve("metrics.jsonl"));
        if (counterfactual != null) {
            charts.put("loss-counterfactual", counterfactual);
        }
        for (String protocol : results.protocols()) {
            charts.put("ndcg-" + protocol, Charts.metricChart(results, protocol, "NDCG"));
            charts.put("hr-" + protocol, Charts.metricChart(results, protocol, "HR"));
            charts.put("history-" + protocol, Charts.historyChart(results, protocol));
            charts.put("popularity-" + protocol, Charts.popularityChart(results, protocol));
        }
        JFreeChart sweep = Charts.sweepChart(results);
        if (sweep != null) {
            charts.put("sweep", sweep);
        }
        Path folder = run.resolve("report");
        Files.createDirectories(folder);
        String id = run.getFileName().toString();
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>CFTRec run ")
                .append(escape(id)).append("</title><style>").append(STYLE).append("</style></head><body>");
        html.append("<h1>").append(escape(results.name())).append("</h1><p>Run <code>").append(escape(id))
                .append("</code>: dataset <b>").append(escape(results.dataset())).append("</b>, seed ")
                .append(results.seed()).append(".</p>");
        for (String protocol : results.protocols()) {
            html.append("<h2>Comparison (").append(escape(protocol)).append(")</h2>")
                    .append(Tables.comparison(results, protocol)).append(casesNote(results, protocol));
        }
        html.append("<h2>Settings</h2>").append(Tables.settings(results));
        for (Map.Entry<String, JFreeChart> chart : charts.entrySet()) {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(png, chart.getValue(), WIDTH, HEIGHT);
            AtomicFiles.write(folder.resolve(chart.getKey() + ".png"), png.toByteArray());
            html.append("<h2>").append(escape(chart.getValue().getTitle().getText())).append("</h2><img alt=\"")
                    .append(chart.getKey()).append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                    .append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(png.toByteArray())).append("\">");
        }
        List<String[]> rows = Tables.rows(results);
        html.append("<details><summary>All metrics (").append(rows.size()).append(" rows; also results.csv)</summary>")
                .append(Tables.allMetrics(rows)).append("</details>");
        Path provenance = run.resolve("provenance.json");
        if (Files.exists(provenance)) {
            html.append("<details><summary>Provenance</summary><pre>").append(escape(Files.readString(provenance)))
                    .append("</pre></details>");
        }
        html.append("</body></html>\n");
        AtomicFiles.write(run.resolve("results.csv"), csv(rows).getBytes(StandardCharsets.UTF_8));
        Path report = run.resolve("report.html");
        AtomicFiles.write(report, html.toString().getBytes(StandardCharsets.UTF_8));
        return report;
    }

    /** How many cases the models and references were scored on, and why @K beyond the beams repeats. */
    private static String casesNote(ExperimentResults results, String protocol) {
        int cases = results.variants().values().stream()
                .map(v -> v.evaluation().getOrDefault(protocol, Map.of()).get("factual"))
                .filter(java.util.Objects::nonNull).mapToInt(ModeResults::cases).max().orElse(0);
        String reference = results.references().stream().anyMatch(r -> r.name().equals("oracle"))
                ? " The oracle (the generator's best possible ranking, under All metrics) is scored on all test users." : "";
        String baselines = String.join(" and ", results.references().stream().map(r -> r.name())
                .filter(name -> !name.equals("oracle")).toList());
        return "<p class=\"note\">" + cases + " test cases per model and history mode"
                + (baselines.isEmpty() ? "" : "; " + baselines + " on the same cases, with the history as recorded") + "."
                + reference + (baselines.contains("popularity") || baselines.contains("item-knn")
                ? " Popularity and item-kNN leave each case's history items out of their ranking; d3 and sasrec rank"
                + " every item unless their excludeHistory is set." : "")
                + " Beam search ranks at most as many items as it has beams: above that K, HR@K and NDCG@K"
                + " repeat the value at the beam count.</p>";
    }

    static String csv(List<String[]> rows) {
        StringBuilder out = new StringBuilder("variant,protocol,history,metric,value\n");
        for (String[] r : rows) {
            out.append(String.join(",", r)).append('\n');
        }
        return out.toString();
    }

    private static String escape(String text) {
        return Tables.escape(text);
    }
}
