package org.cftrec.runtime.pipeline;

import org.cftrec.api.data.Example;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.data.ReferenceScores;
import org.cftrec.api.eval.RankingMetrics;
import org.cftrec.api.spec.EvaluationSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A classic non-LLM recommender as a reference beside popularity: item-based collaborative filtering
 * (Sarwar et al. 2001; RecBole's ItemKNN with its defaults). Each user's training items (every history item
 * and target of their training examples) form a binary user x item matrix; two items' similarity is the cosine
 * of their user columns, |U_a and U_b| / sqrt(|U_a| |U_b|); each item keeps its {@value #NEIGHBOURS} most
 * similar items. A case's candidates score the sum of their similarities to its distinct history items;
 * candidates without a score follow in popularity order, history items are left out, and the same test cases as
 * the models' are scored. Needs no training run and is deterministic.
 */
public final class ItemKnnReference {
    /** Neighbours kept per item (RecBole's ItemKNN default k). */
    public static final int NEIGHBOURS = 100;

    private ItemKnnReference() {
    }

    /** Scores on the first {@code maxCases} test cases (0 = all) at the spec's cut-offs. */
    public static ReferenceScores compute(RecDataset dataset, EvaluationSpec evaluation) {
        return new ReferenceScores("item-knn", RankingMetrics.compute(ranks(dataset, evaluation, NEIGHBOURS),
                evaluation.ks()));
    }

    /** The target's rank (0 = a miss) in each case scored, keeping {@code neighbours} per item. */
    static List<Integer> ranks(RecDataset dataset, EvaluationSpec evaluation, int neighbours) {
        Map<String, Set<String>> itemsOfUser = new LinkedHashMap<>();
        for (Example e : dataset.train()) {
            Set<String> items = itemsOfUser.computeIfAbsent(e.user(), u -> new LinkedHashSet<>());
            items.addAll(e.history());
            items.add(e.target());
        }
        Map<String, List<String>> usersOfItem = new HashMap<>();
        itemsOfUser.forEach((user, items) -> items.forEach(i -> usersOfItem.computeIfAbsent(i, k -> new ArrayList<>())
                .add(user)));
        List<String> popularity = PopularityReference.order(dataset);
        Map<String, Integer> popularityRank = new HashMap<>();
        popularity.forEach(id -> popularityRank.put(id, popularityRank.size()));

        Map<String, Map<String, Double>> neighbourhoods = new HashMap<>(); // computed for the history items seen
        List<Integer> ranks = new ArrayList<>();
        for (Example e : PopularityReference.casesScored(dataset, evaluation)) {
            Map<String, Double> score = new HashMap<>();
            for (String h : new LinkedHashSet<>(e.history())) {
                neighbourhoods.computeIfAbsent(h, item -> neighbours(item, itemsOfUser, usersOfItem, popularityRank,
                        neighbours)).forEach((item, similarity) -> score.merge(item, similarity, Double::sum));
            }
            List<String> order = new ArrayList<>(popularity);
            order.sort(Comparator.comparingDouble((String id) -> -score.getOrDefault(id, 0.0))); // stable: ties keep popularity order
            ranks.add(PopularityReference.rank(order, e));
        }
        return ranks;
    }

    /** The item's most similar other items (cosine over training users), most similar first. */
    private static Map<String, Double> neighbours(String item, Map<String, Set<String>> itemsOfUser,
                                                  Map<String, List<String>> usersOfItem,
                                                  Map<String, Integer> popularityRank, int limit) {
        List<String> users = usersOfItem.getOrDefault(item, List.of());
        Map<String, Integer> together = new HashMap<>();
        for (String user : users) {
            for (String other : itemsOfUser.get(user)) {
                if (!other.equals(item)) {
                    together.merge(other, 1, Integer::sum);
                }
            }
        }
        Map<String, Double> similarity = new HashMap<>();
        together.forEach((other, both) -> similarity.put(other,
                both / Math.sqrt((double) users.size() * usersOfItem.get(other).size())));
        Map<String, Double> nearest = new LinkedHashMap<>();
        similarity.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()
                        .thenComparing(en -> popularityRank.getOrDefault(en.getKey(), Integer.MAX_VALUE)))
                .limit(limit)
                .forEach(en -> nearest.put(en.getKey(), en.getValue()));
        return nearest;
    }
}
