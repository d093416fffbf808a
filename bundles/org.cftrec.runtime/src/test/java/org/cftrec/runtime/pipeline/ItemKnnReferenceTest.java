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

/**
 * Expected ranks worked out by hand. Training users: A {i0 i1 i2}, B {i0 i1}, C {i3 i4}, D {i1 i3}, E {i4};
 * users per item: i0 2, i1 3, i2 1, i3 2, i4 2. Cosines: i0-i1 2/sqrt(6) = .816, i0-i2 1/sqrt(2) = .707,
 * i1-i2 1/sqrt(3) = .577, i1-i3 1/sqrt(6) = .408, i3-i4 1/2 = .5. Popularity (training targets):
 * i1 2, i4 2, i2 1, i3 1, i0 0, so i1 i4 i2 i3 i0.
 */
public class ItemKnnReferenceTest {
    private static final EvaluationSpec ALL_CASES = new EvaluationSpec(null, List.of(1, 3), null, 0, null);

    @Test
    public void ranksBySummedCosineThenPopularity() {
        RecDataset d = dataset(List.of(
                new Example("t", List.of("i0"), "i2"),             // i1 .816, i2 .707: 2 (popularity would say 3)
                new Example("t", List.of("i3"), "i4"),             // i4 .5, i1 .408: 1
                new Example("t", List.of("i0", "i3"), "i4"),       // i1 1.224, i2 .707, i4 .5: 3
                new Example("t", List.of("i3", "i3", "i0"), "i4"), // a history item counts once: 3, not 2
                new Example("t", List.of("i1"), "i3"),             // i0 .816, i2 .577, i3 .408: 3
                new Example("t", List.of("i1"), "i1")));           // the target is a history item: a miss
        assertEquals(List.of(2, 1, 3, 3, 3, 0), ItemKnnReference.ranks(d, ALL_CASES, 100));
        ReferenceScores scores = ItemKnnReference.compute(d, ALL_CASES);
        assertEquals("item-knn", scores.name());
        assertEquals(1.0 / 6, scores.metrics().get("HR@1"), 1e-12);
        assertEquals(5.0 / 6, scores.metrics().get("HR@3"), 1e-12);
    }

    @Test
    public void keepsOnlyTheNearestNeighbours() {
        // with two neighbours per item, i1 keeps i0 and i2; i3 then comes after the more popular i4
        RecDataset d = dataset(List.of(new Example("t", List.of("i1"), "i3")));
        assertEquals(List.of(3), ItemKnnReference.ranks(d, ALL_CASES, 3));
        assertEquals(List.of(4), ItemKnnReference.ranks(d, ALL_CASES, 2));
    }

    private static RecDataset dataset(List<Example> test) {
        List<Item> catalogue = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            catalogue.add(new Item("i" + i, "t" + i));
        }
        List<Example> train = List.of(
                new Example("A", List.of("i0"), "i1"), new Example("A", List.of("i0", "i1"), "i2"),
                new Example("B", List.of("i0"), "i1"),
                new Example("C", List.of("i3"), "i4"),
                new Example("D", List.of("i1"), "i3"),
                new Example("E", List.of(), "i4"));
        return new RecDataset("x", new Domain("a", "as"), catalogue, train, List.of(), test,
                new DatasetStatistics(5, 5, 7, Map.of(), new TreeMap<>(), 0, 0), List.of());
    }
}
