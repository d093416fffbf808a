package org.cftrec.backbone.llama;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.cftrec.api.model.DecodingState;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.util.SplittableRandom;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

/** The decoder's numerics: a second formulation, padding, the KV cache, save/load and gradients. */
public class LlamaBackboneTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private LlamaBackbone model;
    private NDManager manager;

    @Before
    public void open() throws Exception {
        model = TinyModels.create(folder.newFolder("tiny").toPath(), 7);
        randomize(model, 11);
        manager = model.manager().newSubManager();
    }

    @After
    public void close() {
        manager.close();
        model.close();
    }

    /** Larger, non-trivial weights than the preset's N(0, 0.02): peaky attention, visible rotary effects. */
    static void randomize(LlamaBackbone model, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (NDArray p : model.parameters().values()) {
            float[] values = new float[(int) p.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextDouble() - 0.5) * 1.2f;
            }
            p.set(values);
        }
    }

    @Test
    public void hiddenStatesMatchAPlainDoublePrecisionDecoder() {
        long[] tokens = {3, 5, 7, 4, 9, 6, 8};
        double[][] expected = new ReferenceDecoder(model.config(), TinyModels.weights(model)).hidden(tokens);
        float[] actual = forward(new long[][] {tokens}, new long[][] {{1, 1, 1, 1, 1, 1, 1}}).toFloatArray();
        int h = model.config().hiddenSize();
        for (int i = 0; i < tokens.length; i++) {
            for (int j = 0; j < h; j++) {
                assertEquals("position " + i + " dim " + j, expected[i][j], actual[i * h + j], 1e-4);
            }
        }
    }

    @Test
    public void leftPaddingDoesNotChangeARow() {
        long[][] padded = {{0, 0, 0, 3, 5, 7}, {4, 9, 6, 8, 3, 5}};
        long[][] mask = {{0, 0, 0, 1, 1, 1}, {1, 1, 1, 1, 1, 1}};
        float[] batch = forward(padded, mask).toFloatArray();
        float[] alone = forward(new long[][] {{3, 5, 7}}, new long[][] {{1, 1, 1}}).toFloatArray();
        int h = model.config().hiddenSize();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < h; j++) {
                assertEquals(alone[i * h + j], batch[(3 + i) * h + j], 1e-5);
            }
        }
    }

    @Test
    public void kvCacheDecodingEqualsTheFullForward() {
        long[][] prompts = {{0, 0, 3, 5}, {4, 9, 6, 8}};
        long[][] mask = {{0, 0, 1, 1}, {1, 1, 1, 1}};
        long[][] continuation = {{7, 4, 10}, {5, 3, 9}};
        try (DecodingState state = model.prefill(manager.create(prompts), positions(mask), manager.create(mask))) {
            for (int step = 0; step <= continuation[0].length; step++) {
                long[][] full = new long[2][4 + step];
                long[][] fullMask = new long[2][4 + step];
                for (int r = 0; r < 2; r++) {
                    System.arraycopy(prompts[r], 0, full[r], 0, 4);
                    System.arraycopy(mask[r], 0, fullMask[r], 0, 4);
                    for (int s = 0; s < step; s++) {
                        full[r][4 + s] = continuation[r][s];
                        fullMask[r][4 + s] = 1;
                    }
                }
                NDArray hidden = forward(full, fullMask);
                NDArray last = hidden.get(":, -1, :");
                assertArrayEquals("step " + step, model.vocabularyLogits(last).toFloatArray(),
                        state.lastLogits().toFloatArray(), 1e-4f);
                if (step < continuation[0].length) {
                    state.append(manager.create(new long[] {continuation[0][step], continuation[1][step]}));
                }
            }
        }
    }

    @Test
    public void selectKeepsAndReordersCachedRows() {
        long[][] prompts = {{3, 5}, {4, 9}};
        long[][] mask = {{1, 1}, {1, 1}};
        try (DecodingState state = model.prefill(manager.create(prompts), positions(mask), manager.create(mask))) {
            state.select(manager.create(new long[] {1, 1, 0}));
            state.append(manager.create(new long[] {7, 8, 7}));
            assertEquals(new Shape(3, model.config().vocabSize()), state.lastLogits().getShape());
            float[] after = state.lastLogits().toFloatArray();
            NDArray expected = model.vocabularyLogits(forward(new long[][] {{4, 9, 8}}, new long[][] {{1, 1, 1}})
                    .get(":, -1, :"));
            float[] row1 = new float[model.config().vocabSize()];
            System.arraycopy(after, row1.length, row1, 0, row1.length);
            assertArrayEquals(expected.toFloatArray(), row1, 1e-4f);
        }
    }

    /**
     * Beam-search-like traffic: expand to equal groups per prompt (shared prompt cache), reorder within groups,
     * then a selection with unequal groups (one prompt entry per row) and a fork of a subset. After every step,
     * each row's logits must equal a full forward of that row's own tokens.
     */
    @Test
    public void groupedSelectionsAndForksMatchEachRowsFullForward() {
        long[][] prompts = {{0, 0, 3, 5}, {4, 9, 6, 8}};
        long[][] mask = {{0, 0, 1, 1}, {1, 1, 1, 1}};
        java.util.List<java.util.List<Long>> rows = new java.util.ArrayList<>();
        rows.add(new java.util.ArrayList<>(java.util.List.of(3L, 5L)));
        rows.add(new java.util.ArrayList<>(java.util.List.of(4L, 9L, 6L, 8L)));
        try (DecodingState state = model.prefill(manager.create(prompts), positions(mask), manager.create(mask))) {
            rows = reorder(state, rows, new long[] {0, 0, 0, 1, 1, 1});
            rows = step(state, rows, new long[] {7, 4, 10, 5, 3, 9});
            rows = reorder(state, rows, new long[] {2, 0, 0, 4, 5, 3});
            rows = step(state, rows, new long[] {8, 8, 6, 7, 4, 10});
            rows = reorder(state, rows, new long[] {3, 4, 1});
            rows = step(state, rows, new long[] {5, 9, 3});
            try (DecodingState fork = state.fork(manager.create(new long[] {2, 2}))) {
                java.util.List<java.util.List<Long>> forked = java.util.List.of(new java.util.ArrayList<>(rows.get(2)),
                        new java.util.ArrayList<>(rows.get(2)));
                step(fork, forked, new long[] {4, 7});
            }
            step(state, rows, new long[] {6, 6, 6}); // the fork left the parent intact
        }
    }

    @Test
    public void promptsSharingAPrefixComputeItOnceAndMatchEachRowsFullForward() {
        long[] prefix = {3, 5, 7, 4, 9, 6, 8, 10, 11};
        long[][] suffixes = {{4, 6}, {7}, {5, 9, 3}};
        int width = prefix.length + 3;
        long[][] prompts = new long[3][width];
        long[][] mask = new long[3][width];
        java.util.List<java.util.List<Long>> rows = new java.util.ArrayList<>();
        for (int p = 0; p < 3; p++) {
            java.util.List<Long> real = new java.util.ArrayList<>();
            for (long t : prefix) {
                real.add(t);
            }
            for (long t : suffixes[p]) {
                real.add(t);
            }
            for (int c = 0; c < width; c++) {
                int i = c - (width - real.size());
                prompts[p][c] = i >= 0 ? real.get(i) : 0;
                mask[p][c] = i >= 0 ? 1 : 0;
            }
            rows.add(real);
        }
        try (DecodingState state = model.prefill(manager.create(prompts), positions(mask), manager.create(mask))) {
            assertEquals(prefix.length, ((KvCacheState) state).sharedPrefixLength());
            assertRowsMatchFullForward(state, rows);
            rows = reorder(state, rows, new long[] {0, 0, 1, 1, 2, 2});
            rows = step(state, rows, new long[] {7, 4, 10, 5, 3, 9});
            rows = reorder(state, rows, new long[] {1, 1, 2, 3, 5, 4});
            rows = step(state, rows, new long[] {8, 8, 6, 7, 4, 10});
            rows = reorder(state, rows, new long[] {0, 4, 5}); // unequal counts per prompt
            rows = step(state, rows, new long[] {5, 9, 3});
            try (DecodingState fork = state.fork(manager.create(new long[] {1, 1}))) {
                step(fork, java.util.List.of(new java.util.ArrayList<>(rows.get(1)),
                        new java.util.ArrayList<>(rows.get(1))), new long[] {4, 7});
            }
            step(state, rows, new long[] {6, 6, 6});
        }
    }

    private java.util.List<java.util.List<Long>> reorder(DecodingState state, java.util.List<java.util.List<Long>> rows,
                                                         long[] selection) {
        state.select(manager.create(selection));
        java.util.List<java.util.List<Long>> next = new java.util.ArrayList<>();
        for (long r : selection) {
            next.add(new java.util.ArrayList<>(rows.get((int) r)));
        }
        assertRowsMatchFullForward(state, next);
        return next;
    }

    private java.util.List<java.util.List<Long>> step(DecodingState state, java.util.List<java.util.List<Long>> rows,
                                                      long[] tokens) {
        state.append(manager.create(tokens));
        for (int r = 0; r < rows.size(); r++) {
            rows.get(r).add(tokens[r]);
        }
        assertRowsMatchFullForward(state, rows);
        return rows;
    }

    private void assertRowsMatchFullForward(DecodingState state, java.util.List<java.util.List<Long>> rows) {
        int vocab = model.config().vocabSize();
        float[] logits = state.lastLogits().toFloatArray();
        assertEquals(rows.size() * vocab, logits.length);
        for (int r = 0; r < rows.size(); r++) {
            long[] tokens = rows.get(r).stream().mapToLong(Long::longValue).toArray();
            long[] ones = new long[tokens.length];
            java.util.Arrays.fill(ones, 1);
            float[] expected = model.vocabularyLogits(forward(new long[][] {tokens}, new long[][] {ones})
                    .get(":, -1, :")).toFloatArray();
            float[] actual = java.util.Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
            assertArrayEquals("row " + r + " " + rows.get(r), expected, actual, 1e-4f);
        }
    }

    @Test
    public void saveThenLoadGivesIdenticalLogits() throws Exception {
        long[][] tokens = {{3, 5, 7, 4}};
        long[][] mask = {{1, 1, 1, 1}};
        float[] before = model.vocabularyLogits(forward(tokens, mask).get(":, -1, :")).toFloatArray();
        java.nio.file.Path saved = folder.newFolder("saved").toPath();
        model.save(saved);
        try (LlamaBackbone reloaded = LlamaLoader.open(saved, ai.djl.Device.cpu(), ai.djl.ndarray.types.DataType.FLOAT32);
             NDManager m = reloaded.manager().newSubManager()) {
            NDArray ids = m.create(tokens);
            NDArray hidden = reloaded.hiddenStates(ids, m.create(new long[][] {{0, 1, 2, 3}}), m.create(mask), false);
            assertArrayEquals(before, reloaded.vocabularyLogits(hidden.get(":, -1, :")).toFloatArray(), 0f);
        }
    }

    @Test
    public void aReplicaHasItsOwnWeightsAndSharesTheTokenizer() {
        long[][] tokens = {{3, 5, 7, 4}};
        long[][] mask = {{1, 1, 1, 1}};
        float[] original = forward(tokens, mask).toFloatArray();
        try (org.cftrec.api.model.Backbone replica = model.replicate("cpu");
             NDManager m = replica.manager().newSubManager()) {
            NDArray hidden = replica.hiddenStates(m.create(tokens), positions(mask), m.create(mask), false);
            assertArrayEquals(original, hidden.toFloatArray(), 0f);
            NDArray w = replica.parameters().get("model.norm.weight");
            w.set(new float[(int) w.size()]); // zero the replica's final norm: its outputs vanish
            assertEquals(0f, replica.hiddenStates(m.create(tokens), positions(mask), m.create(mask), false)
                    .abs().sum().getFloat(), 0f);
        }
        assertArrayEquals(original, forward(tokens, mask).toFloatArray(), 0f);
        assertEquals(3, model.tokenizer().encode("\"Heat\"").length); // still open after the replica closed
    }

    @Test
    public void gradientsMatchFiniteDifferences() {
        long[][] tokens = {{3, 5, 7, 4}};
        long[][] mask = {{1, 1, 1, 1}};
        String[] names = {"model.layers.0.self_attn.q_proj.weight", "model.layers.1.mlp.down_proj.weight",
                "model.layers.0.input_layernorm.weight", "model.embed_tokens.weight"};
        for (NDArray p : model.parameters().values()) {
            p.setRequiresGradient(true);
        }
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(objective(tokens, mask));
        }
        for (String name : names) {
            NDArray p = model.parameters().get(name);
            float[] grad = p.getGradient().toFloatArray();
            int index = (int) (p.size() / 3);
            float[] values = p.toFloatArray();
            float eps = 1e-2f;
            float original = values[index];
            values[index] = original + eps;
            p.set(values);
            double plus = objective(tokens, mask).getFloat();
            values[index] = original - eps;
            p.set(values);
            double minus = objective(tokens, mask).getFloat();
            values[index] = original;
            p.set(values);
            double numeric = (plus - minus) / (2 * eps);
            assertEquals(name + "[" + index + "]", numeric, grad[index], 2e-2 * Math.max(1, Math.abs(numeric)));
        }
    }

    /** A scalar depending on every weight: mean log-probability of the next tokens. */
    private NDArray objective(long[][] tokens, long[][] mask) {
        NDArray hidden = forward(tokens, mask);
        NDArray logits = model.vocabularyLogits(hidden.reshape(-1, model.config().hiddenSize()));
        return logits.logSoftmax(1).get(":, 3").mean();
    }

    private NDArray forward(long[][] tokens, long[][] mask) {
        return model.hiddenStates(manager.create(tokens), positions(mask), manager.create(mask), false);
    }

    private NDArray positions(long[][] mask) {
        long[][] pos = new long[mask.length][mask[0].length];
        for (int r = 0; r < mask.length; r++) {
            long p = 0;
            for (int c = 0; c < mask[r].length; c++) {
                pos[r][c] = mask[r][c] == 1 ? p++ : 0;
            }
        }
        return manager.create(pos);
    }
}
