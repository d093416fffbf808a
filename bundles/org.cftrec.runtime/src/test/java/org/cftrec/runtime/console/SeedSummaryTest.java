package org.cftrec.runtime.console;

import org.cftrec.api.run.ExperimentResults;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.Test;

import java.util.List;

import static org.junit.Assert.assertEquals;

public class SeedSummaryTest {
    @Test
    public void meanAndSampleStandardDeviation() {
        assertEquals("2.0000 ± 1.0000", SeedSummary.meanStd(List.of(1.0, 2.0, 3.0)));
        assertEquals("0.1500 ± 0.0707", SeedSummary.meanStd(List.of(0.1, 0.2))); // sqrt(0.005)
        assertEquals("0.3000", SeedSummary.meanStd(List.of(0.3)));
        assertEquals("-", SeedSummary.meanStd(List.of()));
    }

    @Test
    public void oneRowPerVariantProtocolAndModeThenTheReferences() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ExperimentResults a = json.readValue("{\"seed\": 1, \"references\": [{\"name\": \"item-knn\", \"metrics\": {\"HR@10\": 0.05}}], \"variants\": {\"sft\": {\"training\": {\"bestValidationLoss\": 2.0},"
                + " \"evaluation\": {\"d3\": {\"factual\": {\"HR@10\": 0.1, \"cases\": 50}, \"removed\": {\"HR@10\": 0.0, \"cases\": 50}}}}}}", ExperimentResults.class);
        ExperimentResults b = json.readValue("{\"seed\": 2, \"references\": [{\"name\": \"item-knn\", \"metrics\": {\"HR@10\": 0.15}}], \"variants\": {\"sft\": {\"training\": {\"bestValidationLoss\": 4.0},"
                + " \"evaluation\": {\"d3\": {\"factual\": {\"HR@10\": 0.3, \"cases\": 50}, \"removed\": {\"HR@10\": 0.2, \"cases\": 50}}}}}}", ExperimentResults.class);
        assertEquals("Mean ± sample std over 2 runs (seeds 1, 2).\n\n"
                + "| variant | protocol | history | cases | HR@10 | val L_n |\n"
                + "|---|---|---|---|---|---|\n"
                + "| sft | d3 | factual | 50 | 0.2000 ± 0.1414 | 3.0000 ± 1.4142 |\n"
                + "| sft | d3 | removed | 50 | 0.1000 ± 0.1414 | 3.0000 ± 1.4142 |\n"
                + "| (item-knn) | - | factual | - | 0.1000 ± 0.0707 | - |\n",
                SeedSummary.render(List.of(a, b), List.of("HR@10")));
    }
}
