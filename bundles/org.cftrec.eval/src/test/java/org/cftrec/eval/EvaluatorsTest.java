package org.cftrec.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.cftrec.api.data.Domain;
import org.cftrec.api.data.DatasetStatistics;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.Item;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.eval.CaseRanking;
import org.cftrec.api.eval.EvaluationCase;
import org.cftrec.api.eval.EvaluationJob;
import org.cftrec.api.eval.Evaluator;
import org.cftrec.api.eval.RankingMetrics;
import org.cftrec.api.model.Backbone;
import org.cftrec.backbone.llama.LlamaLoader;
import org.cftrec.backbone.llama.TinyPreset;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/** The protocols on a small random model, each against a naive computation. */
public class EvaluatorsTest {
    @ClassRule
    public static TemporaryFolder folder = new TemporaryFolder();

    private static final List<String> TITLES = List.of("Crimson Harbor Saga I", "Crimson Harbor Saga II",
            "Crimson Harbor Saga III", "Silent Garden Tales I", "Silent Garden Tales II", "Golden Comet Files I",
            "Golden Comet Files II", "Paper Tower", "Paper Tower Saga I", "Iron River", "Iron River", "Lost Meadow");
    private static final List<String> PROMPTS = List.of("### Input: Crimson Harbor Saga I\n### Response:\n",
            "Golden Comet Files I , Silent Garden Tales I , Iron River\n### Response:\n", "### Response:\n");

    private static Backbone model;
    private static Map<String, String> targetTexts;

    @BeforeClass
    public static void open() throws Exception {
        targetTexts = new LinkedHashMap<>();
        for (int i = 0; i < TITLES.size(); i++) {
            targetTexts.put("i" + i, "\"" + TITLES.get(i) + "\"");
        }
        List<String> corpus = new ArrayList<>(PROMPTS);
        corpus.addAll(targetTexts.values());
        var dir = folder.newFolder("tiny").toPath();
        TinyPreset.create(dir, corpus, 5, new TinyPreset.Sizes(2, 16, 4, 2, 24, 1000));
        model = LlamaLoader.open(dir, Device.cpu(), DataType.FLOAT32);
        SplittableRandom random = new SplittableRandom(1);
        for (NDArray p : model.parameters().values()) {
            float[] values = new float[(int) p.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextDouble() - 0.5) * 1.5f;
            }
            p.set(values);
        }
    }

    @AfterClass
    public static void close() {
        model.close();
    }

    @Test
    public void d3OnlyYieldsCatalogueTitlesAndDuplicateTitlesShareABeam() {
        List<CaseRanking> rankings = new D3Evaluator().bind(new D3Evaluator.Params(5, null, 2, null)).rank(job(3));
        for (CaseRanking r : rankings) {
            assertTrue(r.generated().size() <= 5 && !r.generated().isEmpty());
            assertTrue(targetTexts.values().containsAll(r.generated()));
            assertEquals(r.generated().size(), new HashSet<>(r.generated()).size());
            if (r.topItemIds().contains("i9")) {
                assertTrue("both 'Iron River' items come together", r.topItemIds().contains("i10"));
            }
        }
    }

    @Test
    public void d3WithoutHistoryItemsIsTheWiderSearchWithThemDropped() {
        // Histories made of what plain d3 ranks first, so that dropping them changes the top 3; case 0's history
        // also holds its target, which then ranks nowhere.
        EvaluationJob plainJob = job(3);
        List<CaseRanking> plain = new D3Evaluator().bind(new D3Evaluator.Params(3, null, 2, null)).rank(plainJob);
        List<EvaluationCase> cases = new ArrayList<>();
        for (int i = 0; i < plainJob.cases().size(); i++) {
            EvaluationCase c = plainJob.cases().get(i);
            List<String> history = new ArrayList<>(plain.get(i).topItemIds().subList(0, 2));
            if (i == 0) {
                history.add(c.example().target());
            }
            cases.add(new EvaluationCase(new Example(c.example().user(), history, c.example().target()), c.prompt()));
        }
        EvaluationJob job = new EvaluationJob(model, plainJob.dataset(), cases, targetTexts, 20);
        List<CaseRanking> without = new D3Evaluator().bind(new D3Evaluator.Params(3, null, 2, null, true)).rank(job);
        int widest = cases.stream().mapToInt(c -> new HashSet<>(c.example().history()).size()).max().orElse(0);
        List<CaseRanking> wide = new D3Evaluator().bind(new D3Evaluator.Params(3 + widest, null, 2, null)).rank(job);
        for (int i = 0; i < without.size(); i++) {
            Example e = cases.get(i).example();
            List<String> expected = wide.get(i).topItemIds().stream().filter(id -> !e.history().contains(id)).toList();
            List<String> got = without.get(i).topItemIds();
            assertTrue(got.stream().noneMatch(e.history()::contains));
            assertEquals(3, without.get(i).generated().size());
            assertEquals("case " + i, expected.subList(0, got.size()), got);
            assertTrue(got.get(0) + " was ranked first before", !got.get(0).equals(plain.get(i).topItemIds().get(0)));
            int rank = without.get(i).targetRank();
            assertEquals(e.history().contains(e.target()) || !got.contains(e.target()) ? 0
                    : without.get(i).generated().indexOf(targetTexts.get(e.target())) + 1, rank);
        }
        assertEquals(0, without.get(0).targetRank());
    }

    @Test
    public void batchedKvCacheBeamSearchEqualsANaiveFullForwardSearch() {
        TitleTrie trie = TitleTrie.of(job(1));
        List<List<BeamSearch.Hypothesis<TitleTrie.Node>>> batched =
                new BeamSearch<>(model, SearchSpace.titles(trie), 4, 0.0, 32).search(PROMPTS);
        for (int c = 0; c < PROMPTS.size(); c++) {
            List<double[]> naive = naiveSearch(PROMPTS.get(c), trie, 4);
            List<BeamSearch.Hypothesis<TitleTrie.Node>> fast = batched.get(c);
            assertEquals("case " + c, naive.size(), fast.size());
            for (int i = 0; i < naive.size(); i++) {
                assertEquals("case " + c + " beam " + i, naive.get(i)[0], fast.get(i).score(), 1e-3);
            }
        }
    }

    @Test
    public void freeGenerationEqualsANaiveSearchOfFullForwards() {
        long eos = model.tokenizer().eosTokenId();
        int maxTokens = 4;
        List<List<BeamSearch.Hypothesis<SearchSpace.Generated>>> batched =
                new BeamSearch<>(model, SearchSpace.anyToken(eos), 3, 0.0, maxTokens).search(PROMPTS);
        for (int c = 0; c < PROMPTS.size(); c++) {
            List<double[]> naive = naiveFreeSearch(PROMPTS.get(c), 3, maxTokens);
            List<BeamSearch.Hypothesis<SearchSpace.Generated>> fast = batched.get(c);
            assertEquals("case " + c, naive.size(), fast.size());
            for (int i = 0; i < naive.size(); i++) {
                assertEquals("case " + c + " beam " + i, naive.get(i)[0], fast.get(i).score(), 1e-3);
                assertEquals("case " + c + " beam " + i, (int) naive.get(i)[1], fast.get(i).end().tokens().length);
            }
        }
    }

    /**
     * Free beam search without cache or batching: each beam is extended by its beams + 1 most probable tokens of a
     * full forward (ranked here, in Java); EOS or the token limit ends a beam. Returns {score, generated length
     * without EOS}.
     */
    private static List<double[]> naiveFreeSearch(String prompt, int beams, int maxTokens) {
        long eos = model.tokenizer().eosTokenId();
        long[] p = model.tokenizer().encode(prompt);
        record Beam(List<Long> tokens, double score, boolean ended) {
        }
        List<Beam> live = List.of(new Beam(List.of(), 0, false));
        List<Beam> finished = new ArrayList<>();
        for (int length = 1; length <= maxTokens && !live.isEmpty(); length++) {
            List<Beam> candidates = new ArrayList<>();
            for (Beam b : live) {
                float[] last = lastLogProbabilities(p, b.tokens());
                List<Integer> ranked = new ArrayList<>();
                for (int t = 0; t < last.length; t++) {
                    ranked.add(t);
                }
                ranked.sort(Comparator.comparingDouble((Integer t) -> last[t]).reversed());
                for (int t : ranked.subList(0, beams + 1)) {
                    List<Long> tokens = new ArrayList<>(b.tokens());
                    if (t != eos) {
                        tokens.add((long) t);
                    }
                    candidates.add(new Beam(tokens, b.score() + last[t], t == eos || length == maxTokens));
                }
            }
            candidates.sort(Comparator.comparingDouble(Beam::score).reversed());
            List<Beam> next = new ArrayList<>();
            for (Beam c : candidates) {
                if (c.ended()) {
                    finished.add(c);
                    finished.sort(Comparator.comparingDouble(Beam::score).reversed());
                    if (finished.size() > beams) {
                        finished.remove(finished.size() - 1);
                    }
                } else if (next.size() < beams) {
                    next.add(c);
                }
            }
            double worst = finished.size() < beams ? Double.NEGATIVE_INFINITY : finished.get(finished.size() - 1).score();
            if (finished.size() >= beams && next.stream().allMatch(b -> b.score() <= worst)) {
                break;
            }
            live = next;
        }
        return finished.stream().map(b -> new double[] {b.score(), b.tokens().size()}).toList();
    }

    @Test
    public void everyProtocolTellsHowManyCasesItHasRanked() {
        EvaluationJob three = job(3);
        for (Evaluator evaluator : List.of(new D3Evaluator().bind(new D3Evaluator.Params(3, null, 2, null)),
                new BigRecEvaluator().bind(new BigRecEvaluator.Params(2, null, 8, false, 2)),
                new ExactEvaluator().bind(new ExactEvaluator.Params(null)))) {
            List<Integer> told = new ArrayList<>();
            evaluator.rank(new EvaluationJob(three.backbone(), three.dataset(), three.cases(), three.targetTexts(),
                    three.maxRank(), told::add));
            assertEquals("growing to the number of cases", 3, (int) told.get(told.size() - 1));
            for (int i = 1; i < told.size(); i++) {
                assertTrue(told.toString(), told.get(i) > told.get(i - 1));
            }
        }
    }

    @Test
    public void exactScoresEqualSummedTokenLogProbabilitiesOfAFullForward() {
        TitleTrie trie = TitleTrie.of(job(1));
        String prompt = PROMPTS.get(0); // the prompt of job(1)'s only case
        Map<String, Double> exact = ExactEvaluator.scores(job(1), trie, prompt, 3);
        assertEquals(TITLES.size(), exact.size());
        for (Map.Entry<String, String> e : targetTexts.entrySet()) {
            long[] text = model.tokenizer().encodeContinuation(prompt, e.getValue());
            long[] target = java.util.Arrays.copyOf(text, text.length + 1);
            target[text.length] = model.tokenizer().eosTokenId();
            assertEquals(e.getKey(), sequenceLogProbability(prompt, target), exact.get(e.getKey()), 1e-3);
        }
        CaseRanking r = new ExactEvaluator().bind(new ExactEvaluator.Params(4)).rank(job(1)).get(0);
        String best = exact.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertEquals(targetTexts.get(best), targetTexts.get(r.topItemIds().get(0)));
        assertEquals("every ranked item has its score", r.topItemIds().size(), r.topScores().size());
        for (int i = 0; i < r.topItemIds().size(); i++) {
            assertEquals(exact.get(r.topItemIds().get(i)), r.topScores().get(i), 1e-4); // other chunking, other sum order
            assertTrue("best first", i == 0 || r.topScores().get(i) <= r.topScores().get(i - 1));
        }
    }

    @Test
    public void l2GroundingRanksPlantedEmbeddingsByDistance() {
        float[][] items = {{0, 0}, {3, 4}, {1, 1}, {-1, 0}};
        assertEquals(List.of("c", "a", "d", "b"), BigRecEvaluator.byDistance(new float[] {1, 0.9f}, items,
                List.of("a", "b", "c", "d")));
        // ties keep catalogue order
        assertEquals(List.of("a", "b"), BigRecEvaluator.byDistance(new float[] {0, 0}, new float[][] {{1, 0}, {0, 1}},
                List.of("a", "b")));
    }

    @Test
    public void bigrecRanksTheWholeCatalogueForEveryCase() {
        List<CaseRanking> rankings = new BigRecEvaluator().bind(new BigRecEvaluator.Params(3, null, 8, true, 2)).rank(job(3));
        for (int i = 0; i < rankings.size(); i++) {
            CaseRanking r = rankings.get(i);
            assertTrue("rank " + r.targetRank(), r.targetRank() >= 1 && r.targetRank() <= TITLES.size());
            assertEquals(TITLES.size(), r.topItemIds().size());
            assertEquals(TITLES.size(), new HashSet<>(r.topItemIds()).size());
            assertTrue(r.generated().size() >= 1 && r.generated().size() <= 3);
        }
        // The embedding of a text run alone does not depend on what it is batched with.
        long[] one = model.tokenizer().encode(targetTexts.get("i0"));
        long[] other = model.tokenizer().encode(targetTexts.get("i8"));
        float[] alone = BigRecEvaluator.embed(model, List.of(one))[0];
        float[] batched = BigRecEvaluator.embed(model, List.of(other, one))[1];
        for (int d = 0; d < alone.length; d++) {
            assertEquals(alone[d], batched[d], 1e-5);
        }
    }

    @Test
    public void metricsMatchHandComputedRanks() {
        Map<String, Double> m = RankingMetrics.compute(List.of(1, 3, 0, 2), List.of(1, 3));
        assertEquals(0.25, m.get("HR@1"), 1e-12);
        assertEquals(0.25, m.get("NDCG@1"), 1e-12);
        assertEquals(0.75, m.get("HR@3"), 1e-12);
        assertEquals((1 + 1 / (Math.log(4) / Math.log(2)) + 1 / (Math.log(3) / Math.log(2))) / 4, m.get("NDCG@3"), 1e-12);
    }

    /** log p(target tokens | prompt) from one full forward over prompt + target. */
    private static double sequenceLogProbability(String prompt, long[] target) {
        long[] p = model.tokenizer().encode(prompt);
        long[] all = java.util.Arrays.copyOf(p, p.length + target.length);
        System.arraycopy(target, 0, all, p.length, target.length);
        float[][] logp = fullLogProbabilities(all);
        double sum = 0;
        for (int k = 0; k < target.length; k++) {
            sum += logp[p.length - 1 + k][(int) target[k]];
        }
        return sum;
    }

    private static float[][] fullLogProbabilities(long[] tokens) {
        try (NDManager m = model.manager().newSubManager()) {
            long[] positions = new long[tokens.length];
            long[] mask = new long[tokens.length];
            for (int i = 0; i < tokens.length; i++) {
                positions[i] = i;
                mask[i] = 1;
            }
            NDArray hidden = model.hiddenStates(m.create(new long[][] {tokens}), m.create(new long[][] {positions}),
                    m.create(new long[][] {mask}), false);
            NDArray logp = model.vocabularyLogits(hidden.reshape(tokens.length, -1)).logSoftmax(1);
            int v = (int) logp.getShape().get(1);
            float[] flat = logp.toFloatArray();
            float[][] out = new float[tokens.length][v];
            for (int i = 0; i < tokens.length; i++) {
                System.arraycopy(flat, i * v, out[i], 0, v);
            }
            return out;
        }
    }

    /** log p of the next token after prompt + tokens, from a full forward. */
    private static float[] lastLogProbabilities(long[] prompt, List<Long> tokens) {
        long[] all = java.util.Arrays.copyOf(prompt, prompt.length + tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            all[prompt.length + i] = tokens.get(i);
        }
        return fullLogProbabilities(all)[all.length - 1];
    }

    /** Beam search without cache or batching: every expansion recomputes the whole sequence. Returns {score}s. */
    private static List<double[]> naiveSearch(String prompt, TitleTrie trie, int beams) {
        long[] p = model.tokenizer().encode(prompt);
        record Beam(List<Long> tokens, TitleTrie.Node node, double score) {
        }
        List<Beam> live = List.of(new Beam(List.of(), trie.root, 0));
        List<Double> finished = new ArrayList<>();
        while (!live.isEmpty()) {
            List<Beam> candidates = new ArrayList<>();
            for (Beam b : live) {
                float[] last = lastLogProbabilities(p, b.tokens());
                for (var child : b.node().children.entrySet()) {
                    List<Long> tokens = new ArrayList<>(b.tokens());
                    tokens.add(child.getKey());
                    candidates.add(new Beam(tokens, child.getValue(), b.score() + last[(int) (long) child.getKey()]));
                }
            }
            candidates.sort(Comparator.comparingDouble(Beam::score).reversed());
            List<Beam> next = new ArrayList<>();
            for (Beam c : candidates) {
                if (c.node().isEnd()) {
                    finished.add(c.score());
                    finished.sort(Comparator.reverseOrder());
                    if (finished.size() > beams) {
                        finished.remove(finished.size() - 1);
                    }
                } else if (next.size() < beams) {
                    next.add(c);
                }
                if (next.size() == beams && finished.size() >= beams) {
                    break;
                }
            }
            double worst = finished.size() < beams ? Double.NEGATIVE_INFINITY : finished.get(finished.size() - 1);
            if (finished.size() >= beams && next.stream().allMatch(b -> b.score() <= worst)) {
                break;
            }
            live = next;
        }
        return finished.stream().map(s -> new double[] {s}).toList();
    }

    private static EvaluationJob job(int cases) {
        List<Item> catalogue = new ArrayList<>();
        targetTexts.forEach((id, text) -> catalogue.add(new Item(id, text.substring(1, text.length() - 1))));
        DatasetStatistics stats = new DatasetStatistics(1, catalogue.size(), 1, Map.of(), new TreeMap<>(), 0, 1);
        RecDataset dataset = new RecDataset("test", new Domain("book", "books"), catalogue, List.of(), List.of(),
                List.of(), stats, List.of());
        List<EvaluationCase> list = new ArrayList<>();
        for (int i = 0; i < cases; i++) {
            list.add(new EvaluationCase(new Example("u" + i, List.of(), "i" + (i * 3)), PROMPTS.get(i)));
        }
        return new EvaluationJob(model, dataset, list, targetTexts, 20);
    }
}
