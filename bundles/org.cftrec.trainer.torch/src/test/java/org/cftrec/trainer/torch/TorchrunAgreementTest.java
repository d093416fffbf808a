package org.cftrec.trainer.torch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.cftrec.api.spec.BranchLayout;
import org.cftrec.api.spec.WeightScope;
import org.cftrec.api.train.StepMetrics;
import org.cftrec.api.train.TokenizedExample;
import org.cftrec.api.train.Trainer;
import org.cftrec.api.train.TrainerParams;
import org.cftrec.api.train.TrainingJob;
import org.cftrec.api.train.TrainingListener;
import org.cftrec.api.train.TrainingResult;
import org.cftrec.api.train.ValidationMetrics;
import org.cftrec.backbone.llama.LlamaBackbone;
import org.cftrec.backbone.llama.LlamaLoader;
import org.cftrec.backbone.llama.TinyPreset;
import org.cftrec.runtime.objective.CftTrainingData;
import org.cftrec.trainer.djl.CpuTrainer;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * The torchrun trainer against the cpu trainer: same starting checkpoint, same examples and order, same
 * hyper-parameters; the per-step losses and the final weights must agree within 1e-4, with one worker and with
 * two gloo workers sharing each step's micro-batches. Needs Debian's python3-torch (.ci/run installs it).
 */
public class TorchrunAgreementTest {
    @ClassRule
    public static TemporaryFolder folder = new TemporaryFolder();

    private static final double TOLERANCE = 1e-4;
    /** Debian's Python, where python3-torch installs (a python3 earlier on the PATH may lack it). */
    private static final String PYTHON = "/usr/bin/python3";
    private static Path model;
    private static List<TokenizedExample> train;
    private static List<TokenizedExample> valid;
    private static Run reference;

    /** What a training run produced: losses per step, validation L_n per validation, final weights. */
    record Run(List<Double> losses, List<Double> validations, Map<String, float[]> weights, TrainingResult result) {
    }

    @BeforeClass
    public static void referenceRun() throws Exception {
        Process probe = new ProcessBuilder(PYTHON, "-c", "import torch.distributed").redirectErrorStream(true).start();
        String said = new String(probe.getInputStream().readAllBytes());
        assertEquals(PYTHON + " with PyTorch is needed (Debian: apt-get install python3-torch libopenblas0-pthread): "
                + said, 0, probe.waitFor());
        model = folder.newFolder("tiny").toPath();
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            corpus.add("w" + i);
        }
        TinyPreset.create(model, corpus, 3, new TinyPreset.Sizes(2, 32, 4, 2, 64, 200));
        SplittableRandom random = new SplittableRandom(11);
        train = examples(random, 24);
        valid = examples(random, 6);
        reference = run(new CpuTrainer().bind(params()));
    }

    /** Examples of varied lengths (padding is exercised) and decaying weights, as a schedule gives them. */
    private static List<TokenizedExample> examples(SplittableRandom random, int count) {
        List<TokenizedExample> examples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int targets = 2 + random.nextInt(5);
            float[] weights = new float[targets];
            for (int k = 0; k < targets; k++) {
                weights[k] = 1f - 0.75f * k / Math.max(1, targets - 1);
            }
            examples.add(new TokenizedExample(random.longs(8 + random.nextInt(12), 3, 150).toArray(),
                    random.longs(3 + random.nextInt(4), 3, 150).toArray(), random.longs(targets, 3, 150).toArray(),
                    weights));
        }
        return examples;
    }

    private static TrainerParams params() {
        // 24 examples, 8 per step in 4 micro-batches of 2: 3 steps per epoch, 2 epochs, validation every 3 steps.
        return new TrainerParams(1e-3, 0.01, null, null, null, 2, null, 2, 4, 2, null, 1.0, 3, 0, null, null);
    }

    private static Run run(Trainer trainer) throws Exception {
        List<Double> losses = new ArrayList<>();
        List<Double> validations = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStep(StepMetrics metrics) {
                losses.add(metrics.loss());
            }

            @Override
            public void onValidation(ValidationMetrics metrics) {
                validations.add(metrics.factualLoss());
            }
        };
        try (LlamaBackbone backbone = LlamaLoader.open(model, Device.cpu(), DataType.FLOAT32)) {
            CftTrainingData data = new CftTrainingData(backbone, train, valid, 0.1, WeightScope.BOTH,
                    BranchLayout.SEPARATE);
            Path variant = folder.newFolder().toPath();
            TrainingResult result = trainer.train(new TrainingJob(backbone, data, variant.resolve("checkpoints"), null,
                    5, listener, () -> false));
            Map<String, float[]> weights = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> w : backbone.parameters().entrySet()) {
                weights.put(w.getKey(), w.getValue().toFloatArray());
            }
            return new Run(losses, validations, weights, result);
        }
    }

    private static TorchrunParams torchrun(int workers, TorchrunParams.Sharding sharding) {
        return new TorchrunParams(PYTHON, null, workers, null, null, null, null, sharding, 1, params());
    }

    @Test
    public void oneWorkerAgreesWithTheCpuTrainer() throws Exception {
        assertAgrees("1 worker", run(new TorchrunTrainer().bind(torchrun(1, null))));
    }

    @Test
    public void twoGlooWorkersSharingTheMicroBatchesAgreeWithTheCpuTrainer() throws Exception {
        assertAgrees("2 gloo workers", run(new TorchrunTrainer().bind(torchrun(2, null))));
    }

    @Test
    public void twoGlooWorkersWithShardedOptimizerStateAgreeWithTheCpuTrainer() throws Exception {
        assertAgrees("2 gloo workers, optimizer state sharded",
                run(new TorchrunTrainer().bind(torchrun(2, TorchrunParams.Sharding.OPTIMIZER))));
    }

    private static void assertAgrees(String what, Run torch) {
        assertEquals(6, reference.losses().size());
        assertEquals(reference.losses().size(), torch.losses().size());
        for (int step = 0; step < reference.losses().size(); step++) {
            assertEquals("loss at step " + (step + 1) + ": " + reference.losses() + " vs " + torch.losses(),
                    reference.losses().get(step), torch.losses().get(step), TOLERANCE);
        }
        assertEquals(reference.validations().size(), torch.validations().size());
        for (int i = 0; i < reference.validations().size(); i++) {
            assertEquals("validation " + i, reference.validations().get(i), torch.validations().get(i), TOLERANCE);
        }
        assertEquals(reference.result().steps(), torch.result().steps());
        assertEquals(reference.result().bestStep(), torch.result().bestStep());
        double largest = 0;
        for (Map.Entry<String, float[]> w : reference.weights().entrySet()) {
            float[] theirs = torch.weights().get(w.getKey());
            for (int i = 0; i < theirs.length; i++) {
                largest = Math.max(largest, Math.abs(w.getValue()[i] - theirs[i]));
            }
        }
        double lossDifference = 0;
        for (int step = 0; step < reference.losses().size(); step++) {
            lossDifference = Math.max(lossDifference, Math.abs(reference.losses().get(step) - torch.losses().get(step)));
        }
        System.out.printf("TorchrunAgreementTest, %s: largest loss difference %.2e over %d steps (losses %s), "
                + "largest weight difference %.2e%n", what, lossDifference, torch.losses().size(), torch.losses(), largest);
        assertTrue("largest weight difference " + largest, largest <= TOLERANCE);
        // The weights moved: an agreement of two untrained copies would prove nothing.
        assertTrue(reference.losses().get(0) - reference.losses().get(5) > 0.01);
    }
}
