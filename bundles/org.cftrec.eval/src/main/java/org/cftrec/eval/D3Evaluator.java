package org.cftrec.eval;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginName;
import org.cftrec.api.eval.CaseRanking;
import org.cftrec.api.eval.EvaluationCase;
import org.cftrec.api.eval.EvaluationJob;
import org.cftrec.api.eval.Evaluator;
import org.cftrec.api.eval.EvaluatorPlugin;
import org.osgi.service.component.annotations.Component;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Plugin {@code d3}: constrained beam search over the catalogue's titles (D3 protocol: 10 beams, length
 * penalty 0). Every finished beam is a catalogue item; the rank is that of the first beam whose text is the
 * target's (items sharing a title share the beam, so any of them counts).
 */
@Component(service = EvaluatorPlugin.class)
@PluginName(name = "d3", description = "D3: beam search constrained to catalogue titles (trie), KV cache, batched")
public class D3Evaluator implements EvaluatorPlugin<D3Evaluator.Params> {

    public record Params(
            @JsonPropertyDescription("beams per case (default 10)") Integer beams,
            @JsonPropertyDescription("0 (default, D3) or e.g. 1 (BIGRec style)") Double lengthPenalty,
            @JsonPropertyDescription("cases decoded together (default 64: larger batches amortise each step's many "
                    + "small operations; beams share their prompt's cache)")
            Integer batchCases,
            @JsonPropertyDescription("longest target in tokens (default 64)") Integer maxTokens,
            @JsonPropertyDescription("leave each case's recorded history items out of its ranking, as the popularity "
                    + "and item-kNN references do (default false: D3's protocol). The search keeps beams + the "
                    + "longest history's item count and drops history items after it: exact for one-token items")
            Boolean excludeHistory) {
        /** D3's protocol: history items are ranked like any other. */
        public Params(Integer beams, Double lengthPenalty, Integer batchCases, Integer maxTokens) {
            this(beams, lengthPenalty, batchCases, maxTokens, null);
        }

        public Params {
            excludeHistory = excludeHistory != null && excludeHistory;
            beams = beams == null ? 10 : beams;
            lengthPenalty = lengthPenalty == null ? 0.0 : lengthPenalty;
            batchCases = batchCases == null ? 64 : batchCases;
            maxTokens = maxTokens == null ? 64 : maxTokens;
            if (beams < 1 || batchCases < 1 || maxTokens < 1) {
                throw new IllegalArgumentException("beams, batchCases and maxTokens must be >= 1");
            }
            if (!Double.isFinite(lengthPenalty)) {
                throw new IllegalArgumentException("lengthPenalty must be finite, got " + lengthPenalty);
            }
        }
    }

    @Override
    public Evaluator bind(Params params) {
        return job -> rank(job, params);
    }

    private List<CaseRanking> rank(EvaluationJob job, Params params) {
        TitleTrie trie = TitleTrie.of(job);
        int extra = params.excludeHistory() ? job.cases().stream()
                .mapToInt(c -> new HashSet<>(c.example().history()).size()).max().orElse(0) : 0;
        BeamSearch<TitleTrie.Node> search = new BeamSearch<>(job.backbone(), SearchSpace.titles(trie),
                params.beams() + extra, params.lengthPenalty(), params.maxTokens());
        List<CaseRanking> rankings = new ArrayList<>();
        List<EvaluationCase> cases = job.cases();
        for (List<EvaluationCase> chunk : PromptBatch.balancedBatches(cases, params.batchCases())) {
            List<List<BeamSearch.Hypothesis<TitleTrie.Node>>> results = search.search(
                    chunk.stream().map(EvaluationCase::prompt).toList());
            for (int i = 0; i < chunk.size(); i++) {
                rankings.add(ranking(chunk.get(i), results.get(i), params));
            }
            job.casesDone().accept(rankings.size());
        }
        return rankings;
    }

    private static CaseRanking ranking(EvaluationCase c, List<BeamSearch.Hypothesis<TitleTrie.Node>> beams,
                                       Params params) {
        Set<String> left = params.excludeHistory() ? new HashSet<>(c.example().history()) : Set.of();
        int rank = 0;
        int kept = 0;
        List<String> items = new ArrayList<>();
        List<String> generated = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (int b = 0; b < beams.size() && kept < params.beams(); b++) {
            TitleTrie.Node end = beams.get(b).end();
            List<String> shown = end.items.stream().filter(item -> !left.contains(item)).toList();
            if (shown.isEmpty()) {
                continue; // every item of this title is a history item
            }
            kept++;
            if (rank == 0 && shown.contains(c.example().target())) {
                rank = kept;
            }
            items.addAll(shown);
            double score = beams.get(b).score();
            shown.forEach(item -> scores.add(score)); // items sharing a title share their beam's score
            generated.add(end.text);
        }
        return new CaseRanking(rank, items, generated, scores);
    }
}
