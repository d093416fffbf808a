package org.cftrec.api.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HR@K and NDCG@K with one relevant item per case: HR@K = 1 if rank &lt;= K; NDCG@K = 1 / log2(rank + 1)
 * if rank &lt;= K, else 0; both averaged over cases. A rank of 0 means "not ranked" (a miss at every K).
 */
public final class RankingMetrics {
    private RankingMetrics() {
    }

    /** Metric name -> mean value, in the order HR@k1, NDCG@k1, HR@k2, ... */
    public static Map<String, Double> compute(List<Integer> ranks, List<Integer> ks) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int k : ks) {
            double hits = 0;
            double gain = 0;
            for (int rank : ranks) {
                if (rank >= 1 && rank <= k) {
                    hits += 1;
                    gain += 1.0 / (Math.log(rank + 1) / Math.log(2));
                }
            }
            int n = Math.max(1, ranks.size());
            metrics.put("HR@" + k, hits / n);
            metrics.put("NDCG@" + k, gain / n);
        }
        return metrics;
    }
}
