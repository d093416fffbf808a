package org.cftrec.report;

import org.cftrec.api.run.ExperimentResults;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/** A report written from a run directory the test builds by hand. */
public class HtmlReportTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    /** A finished run's folder as the pipeline leaves it: SFT and CFT, d3 with two history modes, losses. */
    static void writeRun(Path run) throws java.io.IOException {
        Files.writeString(run.resolve("results.json"), "{\"name\": \"demo\", \"seed\": 42, \"dataset\": \"synthetic\","
                + " \"references\": [{\"name\": \"oracle\", \"metrics\": {\"HR@10\": 0.8, \"NDCG@10\": 0.6}},"
                + " {\"name\": \"popularity\", \"metrics\": {\"HR@10\": 0.25, \"NDCG@10\": 0.12}},"
                + " {\"name\": \"item-knn\", \"metrics\": {\"HR@10\": 0.35, \"NDCG@10\": 0.2}}],"
                + " \"variants\": {"
                + "  \"sft\": {\"objective\": {\"alpha\": 0}, \"evaluation\": {\"d3\": {\"factual\": {\"HR@10\": 0.3, \"NDCG@10\": 0.15, \"cases\": 200},"
                + "                                      \"removed\": {\"HR@10\": 0.2, \"NDCG@10\": 0.11, \"cases\": 200}}}},"
                + "  \"cft\": {\"objective\": {\"alpha\": 0.1}, \"evaluation\": {\"d3\": {\"factual\": {\"HR@10\": 0.31, \"NDCG@10\": 0.17, \"cases\": 200,"
                + "     \"popularity\": {\"recommendedTop10\": [0.1, 0.1, 0.2, 0.2, 0.4], \"testHistories\": [0.2, 0.2, 0.2, 0.2, 0.2]}},"
                + "                                      \"removed\": {\"HR@10\": 0.02, \"NDCG@10\": 0.01, \"cases\": 200}}}}}}");
        Files.writeString(run.resolve("metrics.jsonl"),
                "{\"variant\":\"sft\",\"type\":\"step\",\"step\":1,\"loss\":4.0,\"factualLoss\":4.0,\"counterfactualLoss\":0}\n"
                        + "{\"variant\":\"sft\",\"type\":\"step\",\"step\":2,\"loss\":3.0,\"factualLoss\":3.0,\"counterfactualLoss\":0}\n"
                        + "{\"variant\":\"sft\",\"type\":\"validation\",\"step\":2,\"factualLoss\":3.2}\n"
                        + "{\"variant\":\"cft\",\"type\":\"step\",\"step\":1,\"loss\":4.5,\"factualLoss\":4.1,\"counterfactualLoss\":4.0}\n"
                        + "{\"variant\":\"cft\",\"type\":\"step\",\"step\":2,\"loss\":3.4,\"factualLoss\":3.1,\"counterfactualLoss\":3.0}\n");
    }

    @Test
    public void writesHtmlWithEmbeddedChartsPngFilesAndCsv() throws Exception {
        Path run = folder.newFolder("run").toPath();
        writeRun(run);
        Path report = new HtmlReport().write(run);
        String html = Files.readString(report);
        assertEquals(6, html.split("data:image/png;base64,", -1).length - 1);
        assertTrue(html.indexOf("id=\"comparison-d3\"") < html.indexOf("data:image/png"));
        assertTrue(html.contains("<td>cft</td><td>d3</td><td>removed</td><td>NDCG@10</td><td>0.010000</td>"));
        for (String chart : new String[] {"loss-factual", "loss-counterfactual", "ndcg-d3", "hr-d3", "history-d3",
                "popularity-d3"}) {
            BufferedImage image = ImageIO.read(run.resolve("report").resolve(chart + ".png").toFile());
            assertEquals(720, image.getWidth());
            assertEquals(400, image.getHeight());
        }
        String csv = Files.readString(run.resolve("results.csv"));
        assertTrue(csv, csv.startsWith("variant,protocol,history,metric,value\nsft,d3,factual,HR@10,0.300000\n"));
        assertTrue(csv, csv.contains("(oracle),-,-,NDCG@10,0.600000"));
        // The comparison: cft's factual NDCG@10 against sft (0.17 - 0.15) and against popularity (0.17 - 0.12).
        assertTrue(html, html.contains("<td>+0.0200 (+13 %)</td><td>+0.0500 (+42 %)</td><td>6 %</td>"));
        assertTrue(html, html.contains("200 test cases per model and history mode; popularity and item-knn on the same"
                + " cases, with the history as recorded."));
        assertTrue(html, html.contains("Popularity and item-kNN leave each case's history items out of their ranking;"
                + " d3 and sasrec rank every item unless their excludeHistory is set."));
        // The baselines' rows: popularity against sft; item-kNN against sft (0.20 - 0.15) and popularity (0.20 - 0.12).
        assertTrue(html, html.contains("<td>popularity (training counts)</td><td>0.1200</td><td>0.2500</td><td></td>"
                + "<td></td><td>-0.0300 (-20 %)</td><td></td><td></td></tr>"));
        assertTrue(html, html.contains("<td>item-kNN (co-occurring training users)</td><td>0.2000</td><td>0.3500</td>"
                + "<td></td><td></td><td>+0.0500 (+33 %)</td><td>+0.0800 (+67 %)</td><td></td></tr>"));
    }

    @Test
    public void sweepChartPlotsNdcgAgainstAlphaOneLinePerBeta() throws Exception {
        StringBuilder variants = new StringBuilder("\"sft\": " + variant(0, "uniform", null, 0.10));
        double[][] grid = {{0.1, 0.25, 0.12}, {0.3, 0.25, 0.14}, {0.1, 0.5, 0.11}, {0.3, 0.5, 0.09}};
        for (double[] g : grid) {
            variants.append(", \"a").append(g[0]).append("-b").append(g[1]).append("\": ")
                    .append(variant(g[0], "linear", g[1], g[2]));
        }
        ExperimentResults results = new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue("{\"variants\": {" + variants + "}}", ExperimentResults.class);
        org.jfree.chart.JFreeChart chart = Charts.sweepChart(results);
        org.jfree.data.xy.XYSeriesCollection data = (org.jfree.data.xy.XYSeriesCollection) chart.getXYPlot().getDataset();
        assertEquals(3, data.getSeriesCount());
        assertEquals("sft (uniform)", data.getSeries(0).getKey());
        assertEquals("linear beta 0.25", data.getSeries(1).getKey());
        assertEquals(0.14, data.getSeries(1).getY(data.getSeries(1).indexOf(0.3)).doubleValue(), 0);
        assertEquals(0.11, data.getSeries(2).getY(data.getSeries(2).indexOf(0.1)).doubleValue(), 0);
        // Two variants are a comparison, not a sweep: no chart.
        ExperimentResults pair = new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue("{\"variants\": {\"sft\": " + variant(0, "uniform", null, 0.1) + ", \"cft\": "
                        + variant(0.1, "linear", 0.25, 0.12) + "}}", ExperimentResults.class);
        assertEquals(null, Charts.sweepChart(pair));
    }

    private static String variant(double alpha, String weighting, Double beta, double ndcg) {
        return "{\"objective\": {\"alpha\": " + alpha + "}, \"weighting\": \"" + weighting + "\", \"weightingParams\": "
                + (beta == null ? "{}" : "{\"beta\": " + beta + "}")
                + ", \"evaluation\": {\"d3\": {\"factual\": {\"NDCG@10\": " + ndcg + "}}}}";
    }
}
