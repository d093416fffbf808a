package org.cftrec.runtime.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import org.cftrec.api.AtomicFiles;
import org.cftrec.api.eval.CaseRanking;
import org.cftrec.api.eval.EvaluationCase;
import org.cftrec.runtime.spec.SpecJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-case predictions as JSON lines in the BIGRec layout (input, output, predict = generated texts) plus the
 * user, the target item, the ranked item ids, their scores where the protocol ranks by one ({@code ranked_scores}:
 * exact's summed log-probabilities) and the target's rank. Where items are codes rather than titles, the titles of
 * the target and of the ranked items follow ({@code target_title}, {@code ranked_titles}).
 */
final class PredictionsFile {
    private PredictionsFile() {
    }

    static void write(Path file, List<EvaluationCase> cases, List<CaseRanking> rankings,
                      Map<String, String> targetTexts, Map<String, String> titlesOfCodes) throws IOException {
        AtomicFiles.write(file, out -> {
            for (int i = 0; i < cases.size(); i++) {
                EvaluationCase c = cases.get(i);
                CaseRanking r = rankings.get(i);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("user", c.example().user());
                row.put("input", c.prompt());
                row.put("output", targetTexts.get(c.example().target()));
                row.put("target_item", c.example().target());
                row.put("predict", r.generated());
                row.put("ranked_items", r.topItemIds());
                if (!r.topScores().isEmpty()) {
                    row.put("ranked_scores", r.topScores());
                }
                row.put("target_rank", r.targetRank());
                if (titlesOfCodes != null) {
                    row.put("target_title", titlesOfCodes.get(c.example().target()));
                    row.put("ranked_titles", r.topItemIds().stream().map(titlesOfCodes::get).toList());
                }
                out.write(SpecJson.oneLine(row).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        });
    }

    /**
     * The same predictions as the JSON array BIGRec's and D3's evaluate.py read: per case {@code input},
     * {@code output} (the target text), {@code predict} (texts, best first) and, where the protocol scores what
     * it ranks (d3: the beam's score; exact: the summed log-probability), {@code predict_score} in the same order.
     * Items sharing a title appear once, as the texts those scripts match against.
     */
    static void writeEvaluateJson(Path file, List<EvaluationCase> cases, List<CaseRanking> rankings,
                                  Map<String, String> targetTexts) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>(cases.size());
        for (int i = 0; i < cases.size(); i++) {
            EvaluationCase c = cases.get(i);
            CaseRanking r = rankings.get(i);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("input", c.prompt());
            row.put("output", targetTexts.get(c.example().target()));
            if (r.topScores().isEmpty()) {
                row.put("predict", r.generated());
            } else {
                Map<String, Double> scored = new LinkedHashMap<>();
                for (int k = 0; k < r.topItemIds().size(); k++) {
                    scored.putIfAbsent(targetTexts.get(r.topItemIds().get(k)), r.topScores().get(k));
                }
                row.put("predict", List.copyOf(scored.keySet()));
                row.put("predict_score", List.copyOf(scored.values()));
            }
            rows.add(row);
        }
        AtomicFiles.write(file, SpecJson.MAPPER.writeValueAsBytes(rows));
    }

    /** The rankings of a predictions file, in file order. */
    static List<CaseRanking> read(Path file) throws IOException {
        List<CaseRanking> rankings = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode row = SpecJson.MAPPER.readTree(line);
            List<String> items = new ArrayList<>();
            row.path("ranked_items").forEach(n -> items.add(n.asText()));
            List<String> generated = new ArrayList<>();
            row.path("predict").forEach(n -> generated.add(n.asText()));
            List<Double> scores = new ArrayList<>();
            row.path("ranked_scores").forEach(n -> scores.add(n.asDouble()));
            rankings.add(new CaseRanking(row.path("target_rank").asInt(), items, generated, scores));
        }
        return rankings;
    }
}
