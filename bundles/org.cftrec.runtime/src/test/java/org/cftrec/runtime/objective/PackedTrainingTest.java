package org.cftrec.runtime.objective;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import org.cftrec.api.spec.BranchLayout;
import org.cftrec.api.spec.WeightScope;
import org.cftrec.api.train.LossTerms;
import org.cftrec.api.train.TokenizedExample;
import org.cftrec.backbone.llama.LlamaBackbone;
import org.cftrec.backbone.llama.LlamaLoader;
import org.cftrec.backbone.llama.TinyPreset;
import org.cftrec.djl.Djl;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.util.List;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

/**
 * Packed training computes the per-window loss: the windows of one user under the codes prompt (start mark 3,
 * separator 4, two code tokens per item, EOS 2) nest, so they share one row; the loss terms equal an independent
 * per-window computation and the gradients equal those of one row per window.
 */
public class PackedTrainingTest {
    @ClassRule
    public static TemporaryFolder folder = new TemporaryFolder();
    private static LlamaBackbone model;
    private static final long START = 3;
    private static final long SEP = 4;
    private static final long EOS = 2;
    /** The items of one user, two code tokens each. */
    private static final long[][] ITEMS = {{10, 11}, {12, 13}, {14, 15}, {16, 17}};

    @BeforeClass
    public static void open() throws Exception {
        var dir = folder.newFolder("tiny").toPath();
        TinyPreset.create(dir, List.of("a b c d e f g h i j k l m n o p q r s t"), 3, new TinyPreset.Sizes(2, 16, 4, 2, 24, 100));
        model = LlamaLoader.open(dir, Device.cpu(), DataType.FLOAT32);
    }

    @AfterClass
    public static void close() {
        model.close();
    }

    /** Window k: the first k items as history, item k as target (+ EOS); linear-like weights. */
    private static TokenizedExample window(int k) {
        long[] factual = new long[1 + 3 * k];
        factual[0] = START;
        for (int i = 0; i < k; i++) {
            factual[1 + 3 * i] = ITEMS[i][0];
            factual[2 + 3 * i] = ITEMS[i][1];
            factual[3 + 3 * i] = SEP;
        }
        return new TokenizedExample(factual, new long[] {START}, new long[] {ITEMS[k][0], ITEMS[k][1], EOS},
                new float[] {1f, 0.6f, 0.2f});
    }

    private static final List<TokenizedExample> BATCH = List.of(window(2), window(1), window(3),
            new TokenizedExample(new long[] {START, 18, 19, SEP}, new long[] {START}, new long[] {12, 13, EOS},
                    new float[] {1f, 0.6f, 0.2f}));

    @Test
    public void aUsersNestedWindowsShareOneRow() {
        try (NDManager manager = NDManager.newBaseManager()) {
            PairedBatch packed = PairedBatch.of(manager, BATCH, true, 0);
            PairedBatch separate = PairedBatch.of(manager, BATCH, true, 0, false);
            assertEquals(8, separate.tokens().getShape().get(0));
            // factual: windows 1-3 in one row, the other user's in its own; counterfactual: one row per target
            // item (the other user's target equals window 1's, so their rows are equal and shared)
            assertEquals(2 + 3, packed.tokens().getShape().get(0));
            assertArrayEquals(separate.labels().toLongArray(), packed.labels().toLongArray());
            assertArrayEquals(separate.weights().toFloatArray(), packed.weights().toFloatArray(), 0f);
        }
    }

    @Test
    public void packedLossEqualsAnIndependentPerWindowComputation() {
        double alpha = 0.3;
        double weightSum = 0;
        double factual = 0;
        double counterfactual = 0;
        for (TokenizedExample e : BATCH) {
            float[][] f = TeacherForced.logProbabilities(model, e.factual(), e.target());
            float[][] c = TeacherForced.logProbabilities(model, e.counterfactual(), e.target());
            for (int k = 0; k < e.target().length; k++) {
                int y = (int) e.target()[k];
                float[] zf = f[e.factual().length - 1 + k];
                float[] z0 = c[e.counterfactual().length - 1 + k];
                double w = e.weights()[k];
                weightSum += w;
                factual -= w * zf[y];
                // CE(softmax(z_f - z_0), y); log-probabilities differ from logits by a constant per row
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < zf.length; v++) {
                    max = Math.max(max, zf[v] - z0[v]);
                }
                double sum = 0;
                for (int v = 0; v < zf.length; v++) {
                    sum += Math.exp(zf[v] - z0[v] - max);
                }
                counterfactual += w * -((zf[y] - z0[y]) - max - Math.log(sum));
            }
        }
        CftTrainingData data = new CftTrainingData(model, BATCH, List.of(), alpha, WeightScope.BOTH, BranchLayout.STACKED);
        try (NDManager scope = model.manager().newSubManager()) {
            LossTerms terms = data.trainingLoss(new int[] {0, 1, 2, 3});
            assertEquals(factual / weightSum, terms.factual().getFloat(), 1e-5);
            assertEquals(counterfactual / weightSum, terms.counterfactual().getFloat(), 1e-5);
            assertEquals((factual + alpha * counterfactual) / weightSum, terms.total().getFloat(), 1e-5);
        }
    }

    @Test
    public void packedGradientsEqualThoseOfOneRowPerWindow() {
        float[] packed = gradient(true);
        float[] separate = gradient(false);
        assertArrayEquals(separate, packed, 1e-6f);
    }

    private static float[] gradient(boolean pack) {
        NDArray q = model.parameters().get("model.layers.1.self_attn.q_proj.weight");
        q.setRequiresGradient(true);
        try (NDManager scope = model.manager().newSubManager();
             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.zeroGradients();
            PairedBatch batch = PairedBatch.of(scope, BATCH, true, 0, pack);
            NDArray hidden = model.hiddenStates(batch.tokens(), batch.positions(), batch.mask(), true);
            long rows = batch.tokens().getShape().get(0);
            long width = batch.tokens().getShape().get(1);
            NDArray logits = model.vocabularyLogits(Djl.selectRows(hidden.reshape(rows * width, -1), batch.targetRows()));
            NDList halves = logits.split(new long[] {batch.targetCount()}, 0);
            LossTerms terms = CftLoss.compute(halves.get(0), halves.get(1), batch.labels(), batch.weights(), 0.3,
                    WeightScope.BOTH);
            collector.backward(terms.total());
            return q.getGradient().toFloatArray();
        }
    }
}
