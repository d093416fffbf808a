package com.example.cftrec;

import org.cftrec.api.PluginContext;
import org.cftrec.api.data.DatasetStatistics;
import org.cftrec.api.data.Domain;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.Item;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.reference.ReferenceJob;
import org.junit.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertThrows;

public class MarkovReferenceTest {
    @Test
    public void ranksWhatFollowedTheLastItemFirstThenByPopularity() throws Exception {
        List<Item> catalogue = List.of(new Item("a", "A"), new Item("b", "B"), new Item("c", "C"), new Item("d", "D"));
        // After a: b twice, c once. Targets overall: b 2, c 2, d 3.
        List<Example> train = List.of(new Example("u1", List.of("a"), "b"), new Example("u2", List.of("a"), "b"),
                new Example("u3", List.of("a"), "c"), new Example("u4", List.of("b"), "c"),
                new Example("u5", List.of("c"), "d"), new Example("u6", List.of("c"), "d"),
                new Example("u7", List.of("b"), "d"));
        List<Example> cases = List.of(
                new Example("t1", List.of("d", "a"), "c"), // b (2 + 0.02), c (1 + 0.02), then d is history: c ranks 2
                new Example("t2", List.of("b", "a"), "c"), // b is history: c first
                new Example("t3", List.of("b"), "a"),      // after b: c, d; then a (no count): 3
                new Example("t4", List.of("a"), "a"));     // the target is a history item: 0
        RecDataset dataset = new RecDataset("tiny", new Domain("item", "items"), catalogue, train, List.of(), cases,
                new DatasetStatistics(7, 4, 9, Map.of(), new TreeMap<>(), 0, 0), List.of());
        ReferenceJob job = new ReferenceJob(dataset, cases, new PluginContext(1, Path.of("."), Path.of(".")),
                () -> false, line -> { });
        assertArrayEquals(new int[] {2, 1, 3, 0},
                new MarkovReference().bind(new MarkovReference.Params(null)).ranks(job));
        assertThrows(IllegalArgumentException.class, () -> new MarkovReference.Params(-1.0));
    }
}
