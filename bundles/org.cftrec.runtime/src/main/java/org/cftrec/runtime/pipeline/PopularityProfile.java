package org.cftrec.runtime.pipeline;

import org.cftrec.api.data.Example;
import org.cftrec.api.data.Item;
import org.cftrec.api.data.RecDataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Popularity quintiles of the catalogue from training counts (how often an item is a training target; ties
 * by catalogue order): Q1 holds the least popular fifth, Q5 the most popular. A profile is the share of a
 * list of items falling into each quintile, e.g. recommended items vs. the items in the test histories.
 */
final class PopularityProfile {
    private final Map<String, Integer> quintile = new HashMap<>();

    PopularityProfile(RecDataset dataset) {
        Map<String, Integer> counts = new HashMap<>();
        for (Example e : dataset.train()) {
            counts.merge(e.target(), 1, Integer::sum);
        }
        List<Item> items = new ArrayList<>(dataset.catalogue());
        items.sort(Comparator.comparingInt((Item i) -> counts.getOrDefault(i.id(), 0)));
        for (int rank = 0; rank < items.size(); rank++) {
            quintile.put(items.get(rank).id(), rank * 5 / items.size());
        }
    }

    /** Shares of the items in Q1..Q5 (summing to 1; all 0 for an empty list). */
    List<Double> profile(List<String> itemIds) {
        double[] shares = new double[5];
        int counted = 0;
        for (String id : itemIds) {
            Integer q = quintile.get(id);
            if (q != null) {
                shares[q]++;
                counted++;
            }
        }
        for (int q = 0; q < 5 && counted > 0; q++) {
            shares[q] /= counted;
        }
        return Arrays.stream(shares).boxed().toList();
    }
}
