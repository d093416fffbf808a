package org.cftrec.runtime.pipeline;

import org.cftrec.api.data.DatasetStatistics;
import org.cftrec.api.data.Domain;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.Item;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.data.ReferenceScores;
import org.cftrec.api.spec.EvaluationSpec;
import org.junit.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.Assert.assertEquals;

public class PopularityReferenceTest {
    @Test
    public void ranksByTrainingTargetCountWithoutHistoryItems() {
        List<Item> catalogue = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            catalogue.add(new Item("i" + i, "t" + i));
        }
        List<Example> train = new ArrayList<>();
        for (String target : List.of("i3", "i3", "i3", "i1", "i1", "i4")) {
            train.add(new Example("u", List.of(), target));
        }
        // order: i3 (3), i1 (2), i4 (1), then i0, i2 in catalogue order
        List<Example> test = List.of(new Example("a", List.of("i3"), "i1"), // i3 skipped: rank 1
                new Example("b", List.of(), "i0"),                           // rank 4
                new Example("c", List.of("i2"), "i2"),                       // target in history: a miss
                new Example("d", List.of(), "i3"));                          // beyond maxCases
        RecDataset d = new RecDataset("x", new Domain("a", "as"), catalogue, train, List.of(), test,
                new DatasetStatistics(4, 5, 10, Map.of(), new TreeMap<>(), 0, 0), List.of());
        ReferenceScores r = PopularityReference.compute(d, new EvaluationSpec(null, List.of(1, 5), null, 3, null));
        assertEquals("popularity", r.name());
        assertEquals(1.0 / 3, r.metrics().get("HR@1"), 1e-12);
        assertEquals(2.0 / 3, r.metrics().get("HR@5"), 1e-12);
        assertEquals((1 + 1 / (Math.log(5) / Math.log(2))) / 3, r.metrics().get("NDCG@5"), 1e-12);
    }
}
