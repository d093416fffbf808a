package org.cftrec.api.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.Test;

import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

public class ExperimentResultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** results.json as runs before the typed results wrote it: metrics beside the other fields of a mode. */
    private static final String FILE = "{\"name\": \"demo\", \"seed\": 7, \"dataset\": \"synthetic\","
            + " \"references\": [{\"name\": \"popularity\", \"metrics\": {\"HR@10\": 0.05, \"NDCG@10\": 0.02}}],"
            + " \"variants\": {\"sft\": {\"objective\": {\"alpha\": 0.0, \"weightScope\": \"both\", \"branches\": \"separate\", \"history\": \"factual\"}, \"weighting\": \"uniform\","
            + " \"weightingParams\": {}, \"trainer\": \"cpu\", \"training\": {\"steps\": 40, \"bestStep\": 30,"
            + " \"bestValidationLoss\": 2.5, \"bestCheckpoint\": \"file:///r/best\", \"stoppedEarly\": false,"
            + " \"reason\": \"budget\"}, \"evaluation\": {\"d3\": {\"factual\": {\"HR@1\": 0.01, \"HR@10\": 0.125,"
            + " \"NDCG@10\": 0.0625, \"cases\": 200, \"casesPerSecond\": 12.5, \"popularity\": {\"recommendedTop10\":"
            + " [0.1, 0.1, 0.2, 0.2, 0.4], \"testHistories\": [0.2, 0.2, 0.2, 0.2, 0.2]}}, \"removed\": {\"HR@10\": 0.0,"
            + " \"cases\": 200, \"casesPerSecond\": 13.0, \"popularity\": {\"recommendedTop10\": [0.0, 0.0, 0.0, 0.0, 1.0],"
            + " \"testHistories\": [0.2, 0.2, 0.2, 0.2, 0.2]}}}}}}}";

    @Test
    public void readsTheFileWithItsMetricsBesideTheOtherFieldsAndInTheirOrder() throws Exception {
        ExperimentResults results = JSON.readValue(FILE, ExperimentResults.class);
        ModeResults factual = results.variants().get("sft").evaluation().get("d3").get("factual");
        assertEquals(List.of("HR@1", "HR@10", "NDCG@10"), List.copyOf(factual.metrics().keySet()));
        assertEquals(List.of("HR@3", "HR@10", "NDCG@3", "NDCG@10", "MRR"), List.copyOf(new ModeResults(java.util.Map.of(
                "NDCG@10", 0.0, "MRR", 0.0, "HR@10", 0.0, "NDCG@3", 0.0, "HR@3", 0.0), 1, 1, null).metrics().keySet()));
        assertEquals(0.125, factual.metric("HR@10"), 0);
        assertTrue(Double.isNaN(factual.metric("HR@20")));
        assertEquals(200, factual.cases());
        assertEquals(List.of(0.1, 0.1, 0.2, 0.2, 0.4), factual.popularity().recommendedTop10());
        assertEquals(List.of("factual", "removed"), List.copyOf(results.variants().get("sft").evaluation().get("d3").keySet()));
        assertEquals(List.of("d3"), results.protocols());
        assertEquals(2.5, results.variants().get("sft").training().bestValidationLoss(), 0);
        assertEquals(List.of("HR@10", "NDCG@10"), List.copyOf(results.references().get(0).metrics().keySet()));
    }

    @Test
    public void writesTheSameFieldsItReads() throws Exception {
        ExperimentResults results = JSON.readValue(FILE, ExperimentResults.class);
        JsonNode written = JSON.readTree(JSON.writeValueAsString(results));
        assertEquals(JSON.readTree(FILE), written);
        assertEquals(results, JSON.readValue(JSON.writeValueAsString(results), ExperimentResults.class));
    }
}
