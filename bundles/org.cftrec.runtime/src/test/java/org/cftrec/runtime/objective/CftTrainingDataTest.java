package org.cftrec.runtime.objective;

import org.cftrec.api.train.TokenizedExample;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import org.cftrec.api.spec.BranchLayout;
import org.cftrec.api.spec.WeightScope;
import org.cftrec.api.train.LossTerms;
import org.cftrec.backbone.llama.LlamaBackbone;
import org.cftrec.backbone.llama.LlamaLoader;
import org.cftrec.backbone.llama.TinyPreset;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.util.List;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

/** The objective on a real (tiny) backbone: layouts agree, SFT is plain SFT, padding rows do not count. */
public class CftTrainingDataTest {
    @ClassRule
    public static TemporaryFolder folder = new TemporaryFolder();
    private static LlamaBackbone model;
    private static List<TokenizedExample> examples;

    @BeforeClass
    public static void open() throws Exception {
        var dir = folder.newFolder("tiny").toPath();
        TinyPreset.create(dir, List.of("a b c d e f g h i j k l m n o p"), 3, new TinyPreset.Sizes(2, 16, 4, 2, 24, 100));
        model = LlamaLoader.open(dir, Device.cpu(), DataType.FLOAT32);
        examples = List.of(
                new TokenizedExample(new long[] {3, 4, 5, 6, 7}, new long[] {3, 4}, new long[] {8, 9, 2},
                        new float[] {1f, 0.625f, 0.25f}),
                new TokenizedExample(new long[] {3, 10, 11}, new long[] {3}, new long[] {12, 2}, new float[] {1f, 0.25f}),
                new TokenizedExample(new long[] {3, 13, 14, 15, 16, 17, 18}, new long[] {3, 4}, new long[] {2},
                        new float[] {1f}));
    }

    @AfterClass
    public static void close() {
        model.close();
    }

    @Test
    public void stackedAndSeparateBranchesGiveTheSameLossesAndGradients() {
        float[][] stacked = lossAndGradient(BranchLayout.STACKED);
        float[][] separate = lossAndGradient(BranchLayout.SEPARATE);
        assertArrayEquals(stacked[0], separate[0], 1e-5f);
        assertArrayEquals(stacked[1], separate[1], 1e-5f);
    }

    @Test
    public void alphaZeroWithUniformWeightsIsTheMeanTokenCrossEntropy() {
        List<TokenizedExample> uniform = examples.stream().map(e -> new TokenizedExample(e.factual(),
                e.counterfactual(), e.target(), ones(e.target().length))).toList();
        CftTrainingData data = new CftTrainingData(model, uniform, List.of(), 0, WeightScope.BOTH, BranchLayout.STACKED);
        double expected = 0;
        int tokens = 0;
        for (TokenizedExample e : uniform) {
            float[][] logp = TeacherForced.logProbabilities(model, e.factual(), e.target());
            for (int k = 0; k < e.target().length; k++) {
                expected -= logp[e.factual().length - 1 + k][(int) e.target()[k]];
                tokens++;
            }
        }
        try (NDManager scope = model.manager().newSubManager()) {
            LossTerms terms = data.trainingLoss(new int[] {0, 1, 2});
            assertEquals(expected / tokens, terms.total().getFloat(), 1e-5);
            assertEquals(0f, terms.counterfactual().getFloat(), 0f);
        }
    }

    private float[][] lossAndGradient(BranchLayout layout) {
        CftTrainingData data = new CftTrainingData(model, examples, List.of(), 0.3, WeightScope.BOTH, layout);
        NDArray q = model.parameters().get("model.layers.1.self_attn.q_proj.weight");
        q.setRequiresGradient(true);
        LossTerms terms;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.zeroGradients();
            terms = data.trainingLoss(new int[] {0, 1, 2});
            collector.backward(terms.total());
        }
        return new float[][] {{terms.total().getFloat(), terms.factual().getFloat(), terms.counterfactual().getFloat()},
                q.getGradient().toFloatArray()};
    }

    private static float[] ones(int n) {
        float[] w = new float[n];
        java.util.Arrays.fill(w, 1f);
        return w;
    }
}
