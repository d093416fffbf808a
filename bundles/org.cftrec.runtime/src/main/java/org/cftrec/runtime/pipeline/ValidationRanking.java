package org.cftrec.runtime.pipeline;

import ai.djl.ndarray.NDScope;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.eval.CaseRanking;
import org.cftrec.api.eval.EvaluationJob;
import org.cftrec.api.eval.Evaluator;
import org.cftrec.api.eval.RankingMetrics;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.spec.HistoryMode;

import java.util.List;
import java.util.Map;

/**
 * The model's ranking of a fixed sample of validation cases (the first n, factual history), by the run's first
 * evaluation protocol: what a trainer selects the best checkpoint by when ranking is what is being selected for
 * (trainer parameter {@code selectBy}).
 */
final class ValidationRanking {
    private static final List<Integer> KS = List.of(10);

    private ValidationRanking() {
    }

    static Map<String, Double> rank(Evaluator evaluator, Backbone backbone, RecDataset dataset, PromptRenderer prompts,
                                    int cases, long seed) {
        List<Example> valid = dataset.valid().size() > cases ? dataset.valid().subList(0, cases) : dataset.valid();
        if (valid.isEmpty()) {
            return Map.of();
        }
        try (NDScope ignored = new NDScope()) {
            List<CaseRanking> rankings = evaluator.rank(new EvaluationJob(backbone, dataset,
                    prompts.cases(valid, HistoryMode.FACTUAL, seed), prompts.targetTexts(), 10));
            return RankingMetrics.compute(rankings.stream().map(CaseRanking::targetRank).toList(), KS);
        }
    }
}
