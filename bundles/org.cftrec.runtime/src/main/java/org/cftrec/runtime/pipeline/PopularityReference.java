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
        List<String> order = order(dataset);
        List<Integer> ranks = new ArrayList<>();
        for (Example e : casesScored(dataset, evaluation)) {
            ranks.add(rank(order, e));
        }
        return new ReferenceScores("popularity", RankingMetrics.compute(ranks, evaluation.ks()));
    }

    /** Every catalogue item, most frequent training target first, ties in catalogue order. */
    static List<String> order(RecDataset dataset) {
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
        return order;
    }

    /** The test cases the models are scored on: the first {@code maxCases} (0 = all). */
    static List<Example> casesScored(RecDataset dataset, EvaluationSpec evaluation) {
        List<Example> test = dataset.test();
        return evaluation.maxCases() > 0 && test.size() > evaluation.maxCases()
                ? test.subList(0, evaluation.maxCases()) : test;
    }

    /**
     * The target's 1-based rank in {@code order} once the case's history items are left out; 0 (a miss) when
     * the target is itself a history item or not in the order.
     */
    static int rank(List<String> order, Example e) {
        Set<String> history = new HashSet<>(e.history());
        int rank = 0;
        for (String id : order) {
            if (history.contains(id)) {
                continue;
            }
            rank++;
            if (id.equals(e.target())) {
                return rank;
            }
        }
        return 0;
    }
}
