package org.cftrec.runtime.pipeline;

import org.cftrec.api.data.Example;
import org.cftrec.api.data.Item;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.data.ReferenceScores;
import org.cftrec.api.eval.RankingMetrics;
import org.cftrec.api.spec.EvaluationSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The most-popular baseline every recommender must beat: items ranked by how often they are a training target
 * (ties in catalogue order), the case's history items left out, scored on the same test cases as the models.
 * Added to a run's references when the dataset brings no popularity reference of its own.
 */
public final class PopularityReference {
    private PopularityReference() {
    }

    /** Scores on the first {@code maxCases} test cases (0 = all) at the spec's cut-offs. */
    public static ReferenceScores compute(RecDataset dataset, EvaluationSpec evaluation) {
        Map<String, Integer> counts = new HashMap<>();
        for (Example e : dataset.train()) {
            counts.merge(e.target(), 1, Integer::sum);
        }
        List<String> order = new ArrayList<>();
        Map<String, Integer> position = new HashMap<>();
        for (Item item : dataset.catalogue()) {
            position.put(item.id(), order.size());
            order.add(item.id());
        }
        order.sort(Comparator.comparingInt((String id) -> -counts.getOrDefault(id, 0)).thenComparing(position::get));
        List<Example> test = dataset.test();
        if (evaluation.maxCases() > 0 && test.size() > evaluation.maxCases()) {
            test = test.subList(0, evaluation.maxCases());
        }
        List<Integer> ranks = new ArrayList<>();
        for (Example e : test) {
            Set<String> history = new HashSet<>(e.history());
            int rank = 0;
            int found = 0; // stays 0 (a miss) when the target is itself a history item
            for (String id : order) {
                if (history.contains(id)) {
                    continue;
                }
                rank++;
                if (id.equals(e.target())) {
                    found = rank;
                    break;
                }
            }
            ranks.add(found);
        }
        return new ReferenceScores("popularity", RankingMetrics.compute(ranks, evaluation.ks()));
    }
}
