package org.cftrec.api.eval;

import java.util.List;

/**
 * What a protocol produced for one case.
 *
 * @param targetRank 1-based rank of the first item whose title equals the target's title; 0 if not ranked
 * @param topItemIds the best ranked item ids, best first (at least max K of them where the protocol has them)
 * @param generated  generated texts (beams), best first; empty for protocols that only score
 */
public record CaseRanking(int targetRank, List<String> topItemIds, List<String> generated) {
    public CaseRanking {
        topItemIds = List.copyOf(topItemIds);
        generated = List.copyOf(generated);
    }
}
