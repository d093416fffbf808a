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
        PredictionsFile.write(file, cases, rankings, Map.of("i2", "\"Two\"", "i3", "\"Three\""));
        assertEquals(rankings, PredictionsFile.read(file));
        var first = new ObjectMapper().readTree(Files.readAllLines(file).get(0));
        assertEquals("prompt with \"quotes\"\nand a newline", first.path("input").asText());
        assertEquals("\"Two\"", first.path("output").asText());
        assertEquals("i2", first.path("target_item").asText());
        assertEquals("no scores, no field", true, first.path("ranked_scores").isMissingNode());
        var second = new ObjectMapper().readTree(Files.readAllLines(file).get(1));
        assertEquals(-3.25, second.path("ranked_scores").get(0).asDouble(), 0);
    }
}
