package org.cftrec.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cftrec.api.data.ReferenceScores;
import org.cftrec.api.run.ExperimentResults;
import org.cftrec.api.run.ModeResults;
import org.cftrec.api.run.VariantResults;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The report's charts. A variant has one colour in every chart (the order of the spec picks it from a palette
 * readable on white, and from the 11th variant on the lines are dashed); references are grey lines (the first dashed, the others dotted); the
 * oracle, far above every model, is left to the tables so that it does not flatten the models' bars; an axis
 * whose values are all zero or tiny shows 0..1.
 */
final class Charts {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Tableau 10: distinct, colour-blind aware, readable on white. */
    private static final Color[] PALETTE = {new Color(0x4e79a7), new Color(0xf28e2b), new Color(0xe15759),
            new Color(0x76b7b2), new Color(0x59a14f), new Color(0xedc948), new Color(0xb07aa1), new Color(0xff9da7),
            new Color(0x9c755f), new Color(0xbab0ac)};
    private static final Color REFERENCE = new Color(0x555555);
    private static final BasicStroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {6f, 4f}, 0f);
    /** The lines of the references after the first (item-kNN beside popularity), grey as well. */
    private static final BasicStroke DOTTED = new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f,
            new float[] {2f, 4f}, 0f);

    private Charts() {
    }

    static Color color(ExperimentResults results, String variant) {
        int index = new ArrayList<>(results.variants().keySet()).indexOf(variant);
        return index < 0 ? REFERENCE : PALETTE[index % PALETTE.length];
    }

    private static boolean dashed(ExperimentResults results, String variant) {
        return new ArrayList<>(results.variants().keySet()).indexOf(variant) >= PALETTE.length;
    }

    /** A coloured square for the tables, matching the variant's colour in the charts. */
    static String swatch(ExperimentResults results, String variant) {
        Color c = color(results, variant);
        return String.format("<span class=\"swatch\" style=\"background:#%02x%02x%02x\"></span>", c.getRed(),
                c.getGreen(), c.getBlue());
    }

    /**
     * L_n (the factual loss, what every variant shares) per optimiser step as lines, validation L_n as points of the
     * same colour (visible with one or two validations).
     */
    static JFreeChart factualLoss(ExperimentResults results, Path metrics) throws IOException {
        return lossChart(results, metrics, "factualLoss", "L_n (factual loss): training per step, validation as points",
                "L_n", true);
    }

    /** L_c (the counterfactual loss) per step, for the variants that train it (alpha > 0); null when none does. */
    static JFreeChart counterfactualLoss(ExperimentResults results, Path metrics) throws IOException {
        boolean any = results.variants().values().stream()
                .anyMatch(v -> v.objective() != null && v.objective().alpha() > 0);
        return any ? lossChart(results, metrics, "counterfactualLoss", "L_c (counterfactual loss) per step",
                "L_c", false) : null;
    }

    private static JFreeChart lossChart(ExperimentResults results, Path metrics, String field, String title,
                                        String axis, boolean validation) throws IOException {
        Map<String, XYSeries> training = new LinkedHashMap<>();
        Map<String, XYSeries> validated = new LinkedHashMap<>();
        if (Files.exists(metrics)) {
            for (String line : Files.readAllLines(metrics)) {
                JsonNode m = JSON.readTree(line);
                String variant = m.path("variant").asText();
                VariantResults v = results.variants().get(variant);
                boolean step = m.path("type").asText().equals("step");
                if (field.equals("counterfactualLoss") && (v == null || v.objective() == null
                        || v.objective().alpha() == 0)) {
                    continue;
                }
                if (step) {
                    training.computeIfAbsent(variant, k -> new XYSeries(k, false, true))
                            .addOrUpdate(m.path("step").asDouble(), m.path(field).asDouble());
                } else if (validation) {
                    validated.computeIfAbsent(variant, k -> new XYSeries(k + " (validation)", false, true))
                            .addOrUpdate(m.path("step").asDouble(), m.path("factualLoss").asDouble());
                }
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        training.values().forEach(data::addSeries);
        validated.values().forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart(title, "optimiser step", axis, data,
                PlotOrientation.VERTICAL, true, false, false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        List<String> names = new ArrayList<>(training.keySet());
        for (int s = 0; s < data.getSeriesCount(); s++) {
            boolean points = s >= names.size();
            String variant = points ? new ArrayList<>(validated.keySet()).get(s - names.size()) : names.get(s);
            renderer.setSeriesPaint(s, color(results, variant));
            renderer.setSeriesLinesVisible(s, !points);
            renderer.setSeriesShapesVisible(s, points);
            renderer.setSeriesStroke(s, dashed(results, variant) ? DASHED : new BasicStroke(1.5f));
        }
        style(chart.getXYPlot(), renderer);
        return chart;
    }

    /**
     * Metric@K for every model (history as recorded) as lines over K, popularity as a grey dashed line at the same
     * K; only the K the models were scored at.
     */
    static JFreeChart metricChart(ExperimentResults results, String protocol, String metric) {
        XYSeriesCollection data = new XYSeriesCollection();
        TreeSet<Integer> ks = new TreeSet<>();
        List<String> variants = new ArrayList<>();
        results.variants().forEach((name, variant) -> {
            ModeResults factual = variant.evaluation().getOrDefault(protocol, Map.of()).get("factual");
            if (factual != null) {
                XYSeries series = new XYSeries(name);
                factual.metrics().forEach((key, value) -> {
                    if (key.startsWith(metric + "@")) {
                        int k = Integer.parseInt(key.substring(metric.length() + 1));
                        ks.add(k);
                        series.add(k, value);
                    }
                });
                data.addSeries(series);
                variants.add(name);
            }
        });
        for (ReferenceScores reference : results.references()) {
            if (reference.name().equals("oracle")) {
                continue; // an upper bound far above the models would flatten their lines: tables only
            }
            XYSeries series = new XYSeries(reference.name());
            for (int k : ks) {
                Double value = reference.metrics().get(metric + "@" + k);
                if (value != null) {
                    series.add(k, value);
                }
            }
            data.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(metric + "@K, history as recorded (" + protocol + ")", "K",
                metric, data, PlotOrientation.VERTICAL, true, false, false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int s = 0; s < data.getSeriesCount(); s++) {
            boolean reference = s >= variants.size();
            renderer.setSeriesPaint(s, reference ? REFERENCE : color(results, variants.get(s)));
            renderer.setSeriesStroke(s, reference ? (s == variants.size() ? DASHED : DOTTED)
                    : dashed(results, variants.get(s)) ? DASHED : new BasicStroke(2f));
        }
        style(chart.getXYPlot(), renderer);
        return chart;
    }

    /** NDCG@10 with the history as recorded, removed and shuffled: a group per mode, a bar per variant. */
    static JFreeChart historyChart(ExperimentResults results, String protocol) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (String mode : Tables.MODES) {
            results.variants().forEach((name, variant) -> {
                ModeResults scores = variant.evaluation().getOrDefault(protocol, Map.of()).get(mode);
                if (scores != null) {
                    data.addValue(scores.metric("NDCG@10"), name, mode);
                }
            });
        }
        JFreeChart chart = ChartFactory.createBarChart("How much each model relies on the history (NDCG@10, "
                + protocol + ")", "history given to the model", "NDCG@10", data, PlotOrientation.VERTICAL, true,
                false, false);
        styleBars(results, chart.getCategoryPlot(), data);
        return chart;
    }

    /** Share of recommended items (top 10, history as recorded) per popularity quintile, and of history items. */
    static JFreeChart popularityChart(ExperimentResults results, String protocol) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<Double> histories = null;
        for (Map.Entry<String, VariantResults> variant : results.variants().entrySet()) {
            ModeResults factual = variant.getValue().evaluation().getOrDefault(protocol, Map.of()).get("factual");
            if (factual == null || factual.popularity() == null) {
                continue;
            }
            addQuintiles(data, variant.getKey(), factual.popularity().recommendedTop10());
            histories = factual.popularity().testHistories();
        }
        if (histories != null) {
            addQuintiles(data, "test histories", histories);
        }
        JFreeChart chart = ChartFactory.createBarChart("Popularity of recommended items (" + protocol
                        + ", top 10) vs. history items", "popularity quintile of training counts (Q5 = most popular)",
                "share of items", data, PlotOrientation.VERTICAL, true, false, false);
        styleBars(results, chart.getCategoryPlot(), data);
        return chart;
    }

    private static void addQuintiles(DefaultCategoryDataset data, String row, List<Double> shares) {
        for (int q = 0; q < shares.size(); q++) {
            data.addValue(shares.get(q), row, "Q" + (q + 1));
        }
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
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int s = 0; s < data.getSeriesCount(); s++) {
            renderer.setSeriesPaint(s, PALETTE[s % PALETTE.length]);
        }
        style(chart.getXYPlot(), renderer);
        return chart;
    }

    private static void style(XYPlot plot, XYLineAndShapeRenderer renderer) {
        plot.setRenderer(renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        saneRange((NumberAxis) plot.getRangeAxis(), plot.getDataset() == null ? 0
                : maxY((XYSeriesCollection) plot.getDataset()));
    }

    private static void styleBars(ExperimentResults results, CategoryPlot plot, DefaultCategoryDataset data) {
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        double max = 0;
        for (int r = 0; r < data.getRowCount(); r++) {
            String row = (String) data.getRowKey(r);
            renderer.setSeriesPaint(r, results.variants().containsKey(row) ? color(results, row) : REFERENCE);
            for (int c = 0; c < data.getColumnCount(); c++) {
                Number value = data.getValue(r, c);
                max = value == null ? max : Math.max(max, value.doubleValue());
            }
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        saneRange((NumberAxis) plot.getRangeAxis(), max);
    }

    private static double maxY(XYSeriesCollection data) {
        double max = 0;
        for (int s = 0; s < data.getSeriesCount(); s++) {
            for (int i = 0; i < data.getItemCount(s); i++) {
                double y = data.getYValue(s, i);
                max = Double.isFinite(y) ? Math.max(max, Math.abs(y)) : max;
            }
        }
        return max;
    }

    /** Zero or tiny values would get an axis from -5E-9 to 5E-9: show 0..1 instead. */
    private static void saneRange(NumberAxis axis, double max) {
        if (max < 1e-6) {
            axis.setAutoRange(false);
            axis.setRange(0, 1);
        } else {
            axis.setAutoRangeIncludesZero(true);
        }
    }
}
