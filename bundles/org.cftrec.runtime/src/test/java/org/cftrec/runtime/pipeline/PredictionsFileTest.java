package org.cftrec.runtime.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.cftrec.api.data.Example;
import org.cftrec.api.eval.CaseRanking;
import org.cftrec.api.eval.EvaluationCase;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

public class PredictionsFileTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void predictionsRoundTripInTheBigRecLayout() throws Exception {
        List<EvaluationCase> cases = List.of(
                new EvaluationCase(new Example("u1", List.of("i1"), "i2"), "prompt with \"quotes\"\nand a newline"),
                new EvaluationCase(new Example("u2", List.of(), "i3"), "p2"));
        List<CaseRanking> rankings = List.of(new CaseRanking(2, List.of("i9", "i2"), List.of("\"B\"", "\"A\"")),
                new CaseRanking(0, List.of("i1"), List.of(), List.of(-3.25)));
        Path file = folder.getRoot().toPath().resolve("predictions.jsonl");
        PredictionsFile.write(file, cases, rankings, Map.of("i2", "\"Two\"", "i3", "\"Three\""), null);
        assertEquals(rankings, PredictionsFile.read(file));
        var first = new ObjectMapper().readTree(Files.readAllLines(file).get(0));
        assertEquals("prompt with \"quotes\"\nand a newline", first.path("input").asText());
        assertEquals("\"Two\"", first.path("output").asText());
        assertEquals("i2", first.path("target_item").asText());
        assertEquals("no scores, no field", true, first.path("ranked_scores").isMissingNode());
        var second = new ObjectMapper().readTree(Files.readAllLines(file).get(1));
        assertEquals(-3.25, second.path("ranked_scores").get(0).asDouble(), 0);
        assertTrue("titles only where items are codes", first.path("ranked_titles").isMissingNode());
    }

    @Test
    public void itemsAsCodesAlsoGiveTheTitles() throws Exception {
        List<EvaluationCase> cases = List.of(new EvaluationCase(new Example("u1", List.of("i1"), "i2"), "p"));
        List<CaseRanking> rankings = List.of(new CaseRanking(2, List.of("i9", "i2"), List.of("a1 b0", "a0 b3")));
        Path file = folder.getRoot().toPath().resolve("codes.jsonl");
        PredictionsFile.write(file, cases, rankings, Map.of("i2", "a0 b3", "i9", "a1 b0"),
                Map.of("i2", "Two (1995)", "i9", "Nine (1999)"));
        var row = new ObjectMapper().readTree(Files.readAllLines(file).get(0));
        assertEquals("a0 b3", row.path("output").asText());
        assertEquals("Two (1995)", row.path("target_title").asText());
        assertEquals("[\"Nine (1999)\",\"Two (1995)\"]", row.path("ranked_titles").toString());
    }

    @Test
    public void theEvaluateJsonArrayHasOneTextPerTitleWithItsScore() throws Exception {
        List<EvaluationCase> cases = List.of(new EvaluationCase(new Example("u1", List.of("i1"), "i2"), "p1"),
                new EvaluationCase(new Example("u2", List.of(), "i3"), "p2"));
        // d3-like: items i4 and i5 share a title and their beam's score; bigrec-like: generated texts, no scores.
        List<CaseRanking> rankings = List.of(
                new CaseRanking(1, List.of("i2", "i4", "i5"), List.of("\"Two\"", "\"Four\""), List.of(-1.5, -2.0, -2.0)),
                new CaseRanking(0, List.of("i1"), List.of("\"Free text\""), List.of()));
        Path file = folder.getRoot().toPath().resolve("predictions.json");
        PredictionsFile.writeEvaluateJson(file, cases, rankings,
                Map.of("i1", "\"One\"", "i2", "\"Two\"", "i3", "\"Three\"", "i4", "\"Four\"", "i5", "\"Four\""));
        var rows = new ObjectMapper().readTree(file.toFile());
        assertEquals(2, rows.size());
        assertEquals("\"Two\"", rows.get(0).path("output").asText());
        assertEquals("[\"\\\"Two\\\"\",\"\\\"Four\\\"\"]", rows.get(0).path("predict").toString());
        assertEquals("[-1.5,-2.0]", rows.get(0).path("predict_score").toString());
        assertEquals("[\"\\\"Free text\\\"\"]", rows.get(1).path("predict").toString());
        assertEquals(true, rows.get(1).path("predict_score").isMissingNode());
    }
}
