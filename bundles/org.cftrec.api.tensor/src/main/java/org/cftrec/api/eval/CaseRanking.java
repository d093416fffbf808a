package org.cftrec.api.eval;

import java.util.List;

/**
 * What a protocol produced for one case.
 *
 * @param targetRank 1-based rank of the first item whose title equals the target's title; 0 if not ranked
 * @param topItemIds the best ranked item ids, best first (at least max K of them where the protocol has them)
 * @param generated  generated texts (beams), best first; empty for protocols that only score
 * @param topScores  the score of each of {@code topItemIds} where the protocol ranks by one (exact: the sum of the
 *                   log-probabilities of the item's target tokens and EOS), else empty
 */
public record CaseRanking(int targetRank, List<String> topItemIds, List<String> generated, List<Double> topScores) {
    public CaseRanking {
        topItemIds = List.copyOf(topItemIds);
        generated = List.copyOf(generated);
        topScores = List.copyOf(topScores);
        if (!topScores.isEmpty() && topScores.size() != topItemIds.size()) {
            throw new IllegalArgumentException(topScores.size() + " scores for " + topItemIds.size() + " items");
        }
    }

    /** A ranking without scores. */
    public CaseRanking(int targetRank, List<String> topItemIds, List<String> generated) {
        this(targetRank, topItemIds, generated, List.of());
    }
}
