package org.cftrec.runtime.pipeline;

import org.cftrec.api.data.DatasetStatistics;
import org.cftrec.api.data.Domain;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.Item;
import org.cftrec.api.data.RecDataset;
import org.junit.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.Assert.assertArrayEquals;

public class PopularityProfileTest {
    @Test
    public void quintilesFollowTrainingCounts() {
        List<Item> catalogue = new ArrayList<>();
        List<Example> train = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            catalogue.add(new Item("i" + i, "t" + i));
            for (int k = 0; k < i; k++) { // item i is a training target i times
                train.add(new Example("u", List.of(), "i" + i));
            }
        }
        RecDataset d = new RecDataset("x", new Domain("a", "as"), catalogue, train, List.of(), List.of(),
                new DatasetStatistics(1, 10, 45, Map.of(), new TreeMap<>(), 0, 0), List.of());
        PopularityProfile p = new PopularityProfile(d);
        assertArrayEquals(new double[] {0, 0, 0, 0, 1}, p.profile(List.of("i8", "i9")).stream().mapToDouble(Double::doubleValue).toArray(), 0);
        assertArrayEquals(new double[] {0.5, 0, 0, 0, 0.5}, p.profile(List.of("i0", "i9")).stream().mapToDouble(Double::doubleValue).toArray(), 0);
        assertArrayEquals(new double[] {0.25, 0.25, 0, 0.25, 0.25}, p.profile(List.of("i1", "i2", "i7", "i8", "zz")).stream().mapToDouble(Double::doubleValue).toArray(), 0);
        assertArrayEquals(new double[5], p.profile(List.of()).stream().mapToDouble(Double::doubleValue).toArray(), 0);
    }
}
