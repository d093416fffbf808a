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
import java.util.List;

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
            @JsonPropertyDescription("longest target in tokens (default 64)") Integer maxTokens) {
        public Params {
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
        BeamSearch<TitleTrie.Node> search = new BeamSearch<>(job.backbone(), SearchSpace.titles(trie), params.beams(),
                params.lengthPenalty(), params.maxTokens());
        List<CaseRanking> rankings = new ArrayList<>();
        List<EvaluationCase> cases = job.cases();
        for (List<EvaluationCase> chunk : PromptBatch.balancedBatches(cases, params.batchCases())) {
            List<List<BeamSearch.Hypothesis<TitleTrie.Node>>> results = search.search(
                    chunk.stream().map(EvaluationCase::prompt).toList());
            for (int i = 0; i < chunk.size(); i++) {
                rankings.add(ranking(chunk.get(i), results.get(i)));
            }
            job.casesDone().accept(rankings.size());
        }
        return rankings;
    }

    private static CaseRanking ranking(EvaluationCase c, List<BeamSearch.Hypothesis<TitleTrie.Node>> beams) {
        int rank = 0;
        List<String> items = new ArrayList<>();
        List<String> generated = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (int b = 0; b < beams.size(); b++) {
            TitleTrie.Node end = beams.get(b).end();
            if (rank == 0 && end.items.contains(c.example().target())) {
                rank = b + 1;
            }
            items.addAll(end.items);
            double score = beams.get(b).score();
            end.items.forEach(item -> scores.add(score)); // items sharing a title share their beam's score
            generated.add(end.text);
        }
        return new CaseRanking(rank, items, generated, scores);
    }
}
