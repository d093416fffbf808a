package org.cftrec.backbone.llama;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * The memory-lean training layout (products on the parameters as stored) computes what the fused one computes,
 * and what an independent double-precision decoder computes: forward and gradients.
 */
public class TrainingLayoutTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @After
    public void clearOverride() {
        System.clearProperty(TrainingLayout.PROPERTY);
    }

    private record Pass(float[] hidden, Map<String, float[]> gradients) {
    }

    private Pass pass(String layout) throws Exception {
        return pass(layout, true);
    }

    /** With training false the forward keeps every intermediate handle: the plain autograd reference. */
    private Pass pass(String layout, boolean training) throws Exception {
        return pass(layout, training, model -> { });
    }

    /** @param setUp applied to the model before the pass (adapters, frozen weights, checkpointing) */
    private Pass pass(String layout, boolean training, java.util.function.Consumer<LlamaBackbone> setUp) throws Exception {
        System.setProperty(TrainingLayout.PROPERTY, layout);
        try (LlamaBackbone model = TinyModels.create(folder.newFolder().toPath(), 7);
             NDManager manager = model.manager().newSubManager()) {
            LlamaBackboneTest.randomize(model, 11);
            setUp.accept(model);
            long[][] tokens = {{3, 5, 7, 4, 9}, {0, 0, 6, 8, 4}};
            long[][] mask = {{1, 1, 1, 1, 1}, {0, 0, 1, 1, 1}};
            long[][] positions = {{0, 1, 2, 3, 4}, {0, 0, 0, 1, 2}};
            model.parameters().values().forEach(p -> p.setRequiresGradient(true));
            float[] hidden;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray h = model.hiddenStates(manager.create(tokens), manager.create(positions), manager.create(mask), training);
                hidden = h.toFloatArray();
                NDArray logits = model.vocabularyLogits(h.reshape(-1, model.config().hiddenSize()));
                collector.backward(logits.logSoftmax(1).get(":, 3").mean());
                model.finishBackward();
            }
            Map<String, float[]> gradients = new LinkedHashMap<>();
            model.parameters().forEach((name, p) -> gradients.put(name, p.getGradient().toFloatArray()));
            return new Pass(hidden, gradients);
        }
    }

    @Test
    public void smallModelsTrainFusedRealOnesOnTheParametersAsStored() throws Exception {
        assertTrue(TrainingLayout.fused(ModelSizeTest.config(ModelSizeTest.QWEN25_05B.replace("151936", "1000")
                .replace("\"hidden_size\": 896", "\"hidden_size\": 256").replace("4864", "688")
                .replace("\"num_hidden_layers\": 24", "\"num_hidden_layers\": 4").replace("14", "4"))));
        assertFalse(TrainingLayout.fused(ModelSizeTest.config(ModelSizeTest.QWEN25_05B)));
    }

    @Test
    public void bothLayoutsGiveTheSameHiddenStatesAndGradients() throws Exception {
        compare(pass("fused"), pass("views"));
    }

    @Test
    public void releasingIntermediateHandlesLeavesTheGradientsIntact() throws Exception {
        Pass reference = pass("fused", false);
        compare(reference, pass("views", true));
        compare(reference, pass("fused", true));
    }

    @Test
    public void activationCheckpointingGivesTheSameGradients() throws Exception {
        compare(pass("views", true), pass("views", true, m -> m.checkpointActivations(true)));
        compare(pass("fused", false), pass("fused", true, m -> m.checkpointActivations(true)));
    }

    @Test
    public void checkpointingWorksWithLoraAndWithFrozenEmbeddings() throws Exception {
        java.util.function.Consumer<LlamaBackbone> lora = m -> {
            m.useAdapters(LoraAdapters.create(new LoraConfig(2, 4, 0, java.util.List.of("q_proj", "up_proj")),
                    m.allWeights(), m.config().layers(), m.manager(), 3));
            LoraTest.randomizeB(m);
        };
        Pass adapted = pass("views", true, lora);
        assertEquals(2 * 2 * 2, adapted.gradients().size());
        compare(adapted, pass("views", true, lora.andThen(m -> m.checkpointActivations(true))));
        java.util.function.Consumer<LlamaBackbone> frozen = m -> m.freeze(java.util.Set.of("model.embed_tokens.weight"));
        Pass lean = pass("views", true, frozen);
        assertFalse(lean.gradients().containsKey("model.embed_tokens.weight"));
        compare(lean, pass("views", true, frozen.andThen(m -> m.checkpointActivations(true))));
    }

    private static void compare(Pass fused, Pass views) {
        for (int i = 0; i < fused.hidden().length; i++) {
            assertEquals("hidden " + i, fused.hidden()[i], views.hidden()[i], 1e-4 * Math.max(1, Math.abs(fused.hidden()[i])));
        }
        for (String name : fused.gradients().keySet()) {
            float[] a = fused.gradients().get(name);
            float[] b = views.gradients().get(name);
            double scale = 0;
            for (float v : a) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < a.length; i++) {
                assertEquals(name + "[" + i + "]", a[i], b[i], 1e-4 * Math.max(1e-3, scale));
            }
        }
    }

    @Test
    public void theLeanLayoutMatchesAPlainDoublePrecisionDecoder() throws Exception {
        System.setProperty(TrainingLayout.PROPERTY, "views");
        try (LlamaBackbone model = TinyModels.create(folder.newFolder("reference").toPath(), 7);
             NDManager manager = model.manager().newSubManager()) {
            LlamaBackboneTest.randomize(model, 11);
            long[] tokens = {3, 5, 7, 4, 9, 6, 8};
            double[][] expected = new ReferenceDecoder(model.config(), TinyModels.weights(model)).hidden(tokens);
            float[] actual = model.hiddenStates(manager.create(new long[][] {tokens}),
                    manager.create(new long[][] {{0, 1, 2, 3, 4, 5, 6}}), manager.create(new long[][] {{1, 1, 1, 1, 1, 1, 1}}),
                    true).toFloatArray();
            int h = model.config().hiddenSize();
            for (int i = 0; i < tokens.length; i++) {
                for (int j = 0; j < h; j++) {
                    assertEquals("position " + i + " dim " + j, expected[i][j], actual[i * h + j], 1e-4);
                }
            }
        }
    }
}
