package org.cftrec.backbone.llama;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;

/** Residual dropout: only while training, the same masks for the same engine seed, never beside checkpointing. */
public class DropoutTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private static float[] hidden(LlamaBackbone model, boolean training, int seed) {
        try (NDManager m = model.manager().newSubManager();
             GradientCollector ignored = training ? Engine.getInstance().newGradientCollector() : null) {
            Engine.getInstance().setRandomSeed(seed);
            NDArray tokens = m.create(new long[][] {{3, 4, 5, 6, 7, 8}});
            NDArray positions = m.create(new long[][] {{0, 1, 2, 3, 4, 5}});
            NDArray mask = m.create(new long[][] {{1, 1, 1, 1, 1, 1}});
            return model.hiddenStates(tokens, positions, mask, training).toFloatArray();
        }
    }

    @Test
    public void dropoutActsOnlyWhileTrainingAndFollowsTheEngineSeed() throws Exception {
        try (LlamaBackbone model = TinyModels.create(folder.newFolder("m").toPath(), 3)) {
            model.parameters().values().forEach(p -> p.setRequiresGradient(true));
            float[] plainTraining = hidden(model, true, 1);
            float[] plainEval = hidden(model, false, 1);
            assertArrayEquals("without dropout, training and evaluation compute the same", plainEval, plainTraining, 1e-5f);
            model.useDropout(0.5);
            assertArrayEquals("evaluation is unchanged by dropout", plainEval, hidden(model, false, 1), 0f);
            float[] first = hidden(model, true, 1);
            assertFalse("training drops parts of the residual stream", java.util.Arrays.equals(plainTraining, first));
            assertArrayEquals("the same seed draws the same masks (exact resume)", first, hidden(model, true, 1), 0f);
            assertFalse(java.util.Arrays.equals(first, hidden(model, true, 2)));
        }
    }

    @Test
    public void dropoutAndGradientCheckpointingAreRefusedTogether() throws Exception {
        try (LlamaBackbone model = TinyModels.create(folder.newFolder("c").toPath(), 3)) {
            model.useDropout(0.2);
            assertEquals("gradientCheckpointing recomputes each layer, and dropout 0.2 would draw a different mask"
                    + " the second time; use one or the other",
                    assertThrows(IllegalArgumentException.class, () -> model.checkpointActivations(true)).getMessage());
            assertEquals("dropout must be in [0, 1), got 1.0",
                    assertThrows(IllegalArgumentException.class, () -> model.useDropout(1.0)).getMessage());
        }
    }
}
