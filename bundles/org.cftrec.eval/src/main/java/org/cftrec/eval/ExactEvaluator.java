package org.cftrec.eval;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginName;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.cftrec.api.eval.CaseRanking;
import org.cftrec.api.eval.EvaluationCase;
import org.cftrec.api.eval.EvaluationJob;
import org.cftrec.api.eval.Evaluator;
import org.cftrec.api.eval.EvaluatorPlugin;
import org.cftrec.api.model.DecodingState;
import org.osgi.service.component.annotations.Component;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plugin {@code exact}: true full ranking. Every catalogue text is scored by its log-probability given the
 * prompt, log p(text + EOS | prompt), and all items are ranked. The prompt runs once; the catalogue is walked
 * as a prefix tree, so a shared prefix is computed once, in batches of at most {@code chunkRows} rows forked
 * from the prompt's KV cache. The ceiling the approximate protocols are judged against.
 */
@Component(service = EvaluatorPlugin.class)
@PluginName(name = "exact",
        description = "exact: log-probability of every catalogue title given the prompt, full ranking")
public class ExactEvaluator implements EvaluatorPlugin<ExactEvaluator.Params> {

    public record Params(
            @JsonPropertyDescription("rows decoded together while walking the catalogue (default 256)")
            Integer chunkRows) {
        public Params {
            chunkRows = chunkRows == null ? 256 : chunkRows;
            if (chunkRows < 1) {
                throw new IllegalArgumentException("chunkRows must be >= 1, got " + chunkRows);
            }
        }
    }

    @Override
    public Evaluator bind(Params params) {
        return job -> rank(job, params);
    }

    private List<CaseRanking> rank(EvaluationJob job, Params params) {
        TitleTrie trie = TitleTrie.of(job);
        List<CaseRanking> rankings = new ArrayList<>();
        for (EvaluationCase c : job.cases()) {
            Map<String, Double> scores = scores(job, trie, c.prompt(), params.chunkRows());
            rankings.add(ranking(c, scores, job));
            job.casesDone().accept(rankings.size());
        }
        return rankings;
    }

    /** log p(text + EOS | prompt) of every item. */
    static Map<String, Double> scores(EvaluationJob job, TitleTrie trie, String prompt, int chunkRows) {
        Map<String, Double> scores = new HashMap<>();
        try (NDManager manager = job.backbone().manager().newSubManager();
             DecodingState state = PromptBatch.prefill(job.backbone(), manager, List.of(prompt))) {
            expand(manager, state, List.of(trie.root), new double[] {0}, trie.eos, chunkRows, scores);
        }
        return scores;
    }

    /** Scores the children of {@code nodes} (row i of {@code state} sits at nodes[i]) and recurses. */
    private static void expand(NDManager manager, DecodingState state, List<TitleTrie.Node> nodes, double[] prefix,
                               long eos, int chunkRows, Map<String, Double> scores) {
        float[] allowed = PromptBatch.childLogProbabilities(state,
                java.util.stream.LongStream.range(0, nodes.size()).toArray(), nodes);
        int read = 0;
        List<long[]> next = new ArrayList<>(); // {parent row, token}
        List<TitleTrie.Node> nextNodes = new ArrayList<>();
        List<Double> nextScores = new ArrayList<>();
        for (int r = 0; r < nodes.size(); r++) {
            for (var child : nodes.get(r).children.entrySet()) {
                double score = prefix[r] + allowed[read++];
                if (child.getKey() == eos) {
                    for (String item : child.getValue().items) {
                        scores.put(item, score);
                    }
                } else {
                    next.add(new long[] {r, child.getKey()});
                    nextNodes.add(child.getValue());
                    nextScores.add(score);
                }
            }
        }
        for (int from = 0; from < next.size(); from += chunkRows) {
            int to = Math.min(from + chunkRows, next.size());
            long[] rows = new long[to - from];
            long[] tokens = new long[to - from];
            double[] chunkScores = new double[to - from];
            for (int i = from; i < to; i++) {
                rows[i - from] = next.get(i)[0];
                tokens[i - from] = next.get(i)[1];
                chunkScores[i - from] = nextScores.get(i);
            }
            DecodingState child;
            try (NDScope ignored = new NDScope()) {
                child = state.fork(manager.create(rows));
                child.append(manager.create(tokens));
            }
            try (child) {
                expand(manager, child, nextNodes.subList(from, to), chunkScores, eos, chunkRows, scores);
            }
        }
    }

    private static CaseRanking ranking(EvaluationCase c, Map<String, Double> scores, EvaluationJob job) {
        List<String> order = new ArrayList<>(job.targetTexts().keySet()); // catalogue order breaks ties
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            position.put(order.get(i), i);
        }
        order.sort(Comparator.comparingDouble((String id) -> -scores.get(id)).thenComparing(position::get));
        String targetText = job.targetTexts().get(c.example().target());
        int rank = 0;
        for (int i = 0; i < order.size(); i++) {
            if (job.targetTexts().get(order.get(i)).equals(targetText)) {
                rank = i + 1;
                break;
            }
        }
        List<String> top = order.subList(0, Math.min(job.maxRank(), order.size()));
        return new CaseRanking(rank, top, List.of(job.targetTexts().get(order.get(0))),
                top.stream().map(scores::get).toList());
    }
}
