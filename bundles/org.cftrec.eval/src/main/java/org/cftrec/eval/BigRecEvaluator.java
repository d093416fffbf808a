package org.cftrec.eval;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginName;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.cftrec.api.eval.CaseRanking;
import org.cftrec.api.eval.EvaluationCase;
import org.cftrec.api.eval.EvaluationJob;
import org.cftrec.api.eval.Evaluator;
import org.cftrec.api.eval.EvaluatorPlugin;
import org.cftrec.api.model.Backbone;
import org.osgi.service.component.annotations.Component;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Plugin {@code bigrec}: BIGRec grounding. Free beam search (default 5 beams, length penalty 1) generates
 * texts; each generated text and every catalogue text is embedded as the last-layer hidden state at its last
 * token (the text run alone); all items are ranked by L2 distance to the best beam's embedding, or, with
 * {@code mergeBeams}, by merging all beams' rankings round-robin without duplicates.
 */
@Component(service = EvaluatorPlugin.class)
@PluginName(name = "bigrec",
        description = "BIGRec: free beam search, then L2 grounding of the generation in last-token hidden states")
public class BigRecEvaluator implements EvaluatorPlugin<BigRecEvaluator.Params> {

    public record Params(
            @JsonPropertyDescription("beams (default 5)") Integer beams,
            @JsonPropertyDescription("default 1.0") Double lengthPenalty,
            @JsonPropertyDescription("longest generated text (default 48)") Integer maxTokens,
            @JsonPropertyDescription("merge the rankings of all beams round-robin (default false: the best beam "
                    + "only)")
            Boolean mergeBeams,
            @JsonPropertyDescription("cases decoded together (default 64; beams share their prompt's cache)")
            Integer batchCases) {
        public Params {
            beams = beams == null ? 5 : beams;
            lengthPenalty = lengthPenalty == null ? 1.0 : lengthPenalty;
            maxTokens = maxTokens == null ? 48 : maxTokens;
            mergeBeams = mergeBeams != null && mergeBeams;
            batchCases = batchCases == null ? 64 : batchCases;
            if (beams < 1 || maxTokens < 1 || batchCases < 1) {
                throw new IllegalArgumentException("beams, maxTokens and batchCases must be >= 1");
            }
        }
    }

    @Override
    public Evaluator bind(Params params) {
        return job -> rank(job, params);
    }

    private List<CaseRanking> rank(EvaluationJob job, Params params) {
        Backbone model = job.backbone();
        List<String> ids = new ArrayList<>(job.targetTexts().keySet());
        List<long[]> itemTokens = new ArrayList<>(job.targetTokens().values()); // catalogue order, as ids
        float[][] items = embed(model, itemTokens);
        BeamSearch<SearchSpace.Generated> search = new BeamSearch<>(model,
                SearchSpace.anyToken(model.tokenizer().eosTokenId()), params.beams(), params.lengthPenalty(),
                params.maxTokens());
        List<CaseRanking> rankings = new ArrayList<>();
        List<EvaluationCase> cases = job.cases();
        for (List<EvaluationCase> chunk : PromptBatch.balancedBatches(cases, params.batchCases())) {
            List<List<BeamSearch.Hypothesis<SearchSpace.Generated>>> generated = search.search(chunk.stream().map(EvaluationCase::prompt).toList());
            // The grounded beams of the whole chunk are embedded together (one batched forward, not one per case).
            List<List<BeamSearch.Hypothesis<SearchSpace.Generated>>> grounded = generated.stream()
                    .map(beams -> params.mergeBeams() ? beams : beams.subList(0, Math.min(1, beams.size()))).toList();
            float[][] embedded = embed(model, grounded.stream().flatMap(List::stream).map(h -> h.end().tokens().length == 0
                    ? new long[] {model.tokenizer().eosTokenId()} : h.end().tokens()).toList());
            int offset = 0;
            for (int i = 0; i < chunk.size(); i++) {
                int count = grounded.get(i).size();
                rankings.add(ranking(job, chunk.get(i), generated.get(i),
                        Arrays.copyOfRange(embedded, offset, offset + count), items, ids));
                offset += count;
            }
            job.casesDone().accept(rankings.size());
        }
        return rankings;
    }

    /** A case's ranking: the grounded beams' embeddings ranked against the items', merged round-robin. */
    private static CaseRanking ranking(EvaluationJob job, EvaluationCase c, List<BeamSearch.Hypothesis<SearchSpace.Generated>> beams,
                                       float[][] generated, float[][] items, List<String> ids) {
        Backbone model = job.backbone();
        List<List<String>> perBeam = new ArrayList<>();
        for (float[] g : generated) {
            perBeam.add(byDistance(g, items, ids));
        }
        Set<String> merged = new LinkedHashSet<>();
        for (int position = 0; merged.size() < ids.size(); position++) {
            for (List<String> ranking : perBeam) {
                merged.add(ranking.get(position));
            }
        }
        List<String> order = new ArrayList<>(merged);
        String targetText = job.targetTexts().get(c.example().target());
        int rank = 0;
        for (int i = 0; i < order.size(); i++) {
            if (job.targetTexts().get(order.get(i)).equals(targetText)) {
                rank = i + 1;
                break;
            }
        }
        List<String> texts2 = beams.stream().map(h -> model.tokenizer().decode(h.end().tokens())).toList();
        return new CaseRanking(rank, order.subList(0, Math.min(job.maxRank(), order.size())), texts2);
    }

    /** Item ids sorted by L2 distance to {@code query} (ties by catalogue order). */
    static List<String> byDistance(float[] query, float[][] items, List<String> ids) {
        double[] distance = new double[items.length];
        for (int i = 0; i < items.length; i++) {
            double sum = 0;
            for (int d = 0; d < query.length; d++) {
                double diff = query[d] - items[i][d];
                sum += diff * diff;
            }
            distance[i] = sum;
        }
        Integer[] order = new Integer[items.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> distance[i]).thenComparingInt(i -> i));
        return Arrays.stream(order).map(ids::get).toList();
    }

    /** Last-layer hidden state at the last token of each sequence, run alone (batched, left padded). */
    static float[][] embed(Backbone model, List<long[]> sequences) {
        float[][] out = new float[sequences.size()][];
        int batch = 64;
        for (int from = 0; from < sequences.size(); from += batch) {
            List<long[]> chunk = sequences.subList(from, Math.min(from + batch, sequences.size()));
            PromptBatch.LeftPadded rows = PromptBatch.LeftPadded.of(chunk, model.tokenizer().padTokenId());
            try (NDScope ignored = new NDScope(); NDManager m = model.manager().newSubManager()) {
                NDArray hidden = model.hiddenStates(m.create(rows.tokens()), m.create(rows.positions()),
                        m.create(rows.mask()), false);
                int h = (int) hidden.getShape().get(2);
                float[] last = hidden.get(":, -1, :").toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                for (int r = 0; r < chunk.size(); r++) {
                    out[from + r] = Arrays.copyOfRange(last, r * h, (r + 1) * h);
                }
            }
        }
        return out;
    }
}
