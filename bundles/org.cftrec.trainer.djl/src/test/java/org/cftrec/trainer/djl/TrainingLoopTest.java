package org.cftrec.trainer.djl;

import org.cftrec.api.train.TrainerParams;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cftrec.api.train.StepMetrics;
import org.cftrec.api.train.TrainingJob;
import org.cftrec.api.train.TrainingListener;
import org.cftrec.api.train.TrainingResult;
import org.cftrec.api.train.ValidationMetrics;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

public class TrainingLoopTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private static TrainerParams params(int epochs, int evalEvery, int patience, double lr, int warmup) {
        return new TrainerParams(lr, null, null, null, null, warmup, null, 4, 2, epochs, null, 0.0, evalEvery,
                patience, null, null);
    }

    @Test
    public void adamWStepsMatchTheFormulaInDoublePrecision() {
        try (LinearModel model = new LinearModel(4, 0, 1)) {
            NDArray w = model.parameters().get("w");
            w.set(new float[] {1f, -2f, 0.5f});
            w.setRequiresGradient(true);
            double[] c = {0.3, -1.0, 2.0};
            TrainerParams p = new TrainerParams(0.1, 0.01, 0.9, 0.999, 1e-8, 0, TrainerParams.Schedule.CONSTANT, null, null, null, null,
                    null, null, null, null, null);
            AdamW adam = new AdamW(p, model.parameters(), model.manager());
            double[] expected = {1, -2, 0.5};
            double[] m = new double[3];
            double[] v = new double[3];
            for (int t = 1; t <= 2; t++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.zeroGradients();
                    gc.backward(w.mul(model.manager().create(new float[] {0.3f, -1f, 2f})).sum());
                }
                adam.step(model.parameters(), 0.1);
                for (int i = 0; i < 3; i++) {
                    m[i] = 0.9 * m[i] + 0.1 * c[i];
                    v[i] = 0.999 * v[i] + 0.001 * c[i] * c[i];
                    double mHat = m[i] / (1 - Math.pow(0.9, t));
                    double vHat = v[i] / (1 - Math.pow(0.999, t));
                    expected[i] -= 0.1 * (mHat / (Math.sqrt(vHat) + 1e-8) + 0.01 * expected[i]);
                }
            }
            float[] actual = w.toFloatArray();
            for (int i = 0; i < 3; i++) {
                assertEquals(expected[i], actual[i], 1e-5);
            }
        }
    }

    @Test
    public void learningRateWarmsUpThenDecays() {
        TrainerParams linear = new TrainerParams(1.0, null, null, null, null, 2, TrainerParams.Schedule.LINEAR, null, null, null, null,
                null, null, null, null, null);
        assertEquals(0.5, LearningRate.at(1, 6, linear), 1e-12);
        assertEquals(1.0, LearningRate.at(2, 6, linear), 1e-12);
        assertEquals(0.75, LearningRate.at(3, 6, linear), 1e-12);
        assertEquals(0.0, LearningRate.at(6, 6, linear), 1e-12);
        TrainerParams cosine = new TrainerParams(1.0, null, null, null, null, 2, TrainerParams.Schedule.COSINE, null, null, null, null,
                null, null, null, null, null);
        assertEquals(0.5, LearningRate.at(4, 6, cosine), 1e-12);
    }

    @Test
    public void trainingFitsAndAResumedRunEndsWhereAnUninterruptedOneDoes() throws Exception {
        TrainerParams p = params(4, 3, 0, 0.3, 2);
        float[] uninterrupted;
        List<Double> fullLosses = new ArrayList<>();
        try (LinearModel model = new LinearModel(40, 8, 3)) {
            TrainingResult result = new TrainingLoop(job(model, folder.newFolder("a").toPath(), null,
                    () -> false, fullLosses), p).run();
            assertEquals(20, result.steps()); // 40 examples / (4 x 2) = 5 steps per epoch, 4 epochs
            assertTrue("loss must fall: " + fullLosses, fullLosses.get(fullLosses.size() - 1) < fullLosses.get(0) / 4);
            uninterrupted = model.parameters().get("w").toFloatArray();
        }
        Path checkpoints = folder.newFolder("b").toPath();
        List<Double> firstPart = new ArrayList<>();
        try (LinearModel model = new LinearModel(40, 8, 3)) {
            AtomicInteger steps = new AtomicInteger();
            TrainingResult stopped = new TrainingLoop(job(model, checkpoints, null, () -> steps.get() >= 7, firstPart,
                    steps), p).run();
            assertTrue(stopped.stoppedEarly());
            assertEquals(7, stopped.steps());
        }
        List<Double> secondPart = new ArrayList<>();
        try (LinearModel model = new LinearModel(40, 8, 3)) {
            TrainingResult resumed = new TrainingLoop(job(model, checkpoints, checkpoints.resolve("last"), () -> false,
                    secondPart), p).run();
            assertEquals(20, resumed.steps());
            assertArrayEquals(uninterrupted, model.parameters().get("w").toFloatArray(), 0f);
        }
        List<Double> joined = new ArrayList<>(firstPart);
        joined.addAll(secondPart);
        assertEquals(fullLosses, joined);
    }

    @Test
    public void earlyStoppingKeepsTheBestValidationWeights() throws Exception {
        Map<Integer, float[]> weightsAtStep = new HashMap<>();
        try (LinearModel model = new LinearModel(40, 8, 4)) {
            float[] script = {3f, 1f, 2f, 5f, 0.1f};
            model.scriptedValidation = call -> script[(call - 1) / 2]; // 8 examples = 2 micro-batches per validation
            TrainingListener record = new TrainingListener() {
                @Override
                public void onValidation(ValidationMetrics m) {
                    weightsAtStep.put(m.step(), model.parameters().get("w").toFloatArray());
                }
            };
            TrainingJob job = new TrainingJob(model, model, folder.newFolder("c").toPath(), null, 9, record, () -> false);
            TrainingResult result = new TrainingLoop(job, params(4, 1, 2, 0.05, 0)).run();
            assertEquals(4, result.steps());
            assertEquals(2, result.bestStep());
            assertEquals(1.0, result.bestValidationLoss(), 0);
            assertTrue(result.stoppedEarly());
            assertArrayEquals(weightsAtStep.get(2), model.parameters().get("w").toFloatArray(), 0f);
        }
    }

    @Test
    public void aFiniteGradientWhoseSquareOverflowsFloatHasAFiniteNorm() {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            assertEquals(5e20, Math.sqrt(TrainingLoop.squaredNorm(m.create(new float[] {3e20f, -4e20f}))), 1e14);
            assertEquals(25.0, TrainingLoop.squaredNorm(m.create(new float[] {3f, 4f, 0f})), 1e-5);
            assertEquals(0.0, TrainingLoop.squaredNorm(m.zeros(new ai.djl.ndarray.types.Shape(3))), 0);
            assertTrue(Double.isInfinite(TrainingLoop.squaredNorm(m.create(new float[] {1f, Float.NaN}))));
            assertTrue(Double.isInfinite(TrainingLoop.squaredNorm(m.create(new float[] {1f, Float.POSITIVE_INFINITY}))));
        }
    }

    @Test
    public void selectingByARankingMetricKeepsTheWeightsThatRankedBest() throws Exception {
        Map<Integer, float[]> weightsAtStep = new HashMap<>();
        List<ValidationMetrics> validations = new ArrayList<>();
        try (LinearModel model = new LinearModel(40, 8, 4)) {
            // The loss improves at every validation; NDCG@10 peaks at the second: ranking decides.
            float[] losses = {3f, 2f, 1f, 0.5f, 0.1f};
            double[] ndcg = {0.10, 0.30, 0.20, 0.25, 0.9};
            model.scriptedValidation = call -> losses[(call - 1) / 2];
            model.scriptedRanking = call -> ndcg[call - 1];
            TrainingListener record = new TrainingListener() {
                @Override
                public void onValidation(ValidationMetrics m) {
                    validations.add(m);
                    weightsAtStep.put(m.step(), model.parameters().get("w").toFloatArray());
                }
            };
            TrainerParams byNdcg = new TrainerParams(0.05, null, null, null, null, 0, null, 4, 2, 4, null, 0.0, 1, 2,
                    null, null, null, TrainerParams.Selection.NDCG_AT_10, 100);
            TrainingJob job = new TrainingJob(model, model, folder.newFolder("r").toPath(), null, 9, record, () -> false);
            TrainingResult result = new TrainingLoop(job, byNdcg).run();
            assertEquals(4, result.steps());
            assertEquals(2, result.bestStep());
            assertTrue(result.stoppedEarly());
            assertTrue(result.reason(), result.reason().endsWith("validation NDCG@10 did not improve for 2"
                    + " validation(s); best at step 2 (NDCG@10 0.3000)"));
            assertTrue("no loss stands for a ranking criterion", Double.isNaN(result.bestValidationLoss()));
            assertArrayEquals(weightsAtStep.get(2), model.parameters().get("w").toFloatArray(), 0f);
            assertEquals(0.30, validations.get(1).ranking().get("NDCG@10"), 0);
            assertEquals(2.0, validations.get(1).factualLoss(), 0);
        }
        try (LinearModel model = new LinearModel(40, 8, 4)) {
            TrainerParams byHr = new TrainerParams(0.05, null, null, null, null, 0, null, 4, 2, 4, null, 0.0, 1, 2,
                    null, null, null, TrainerParams.Selection.HR_AT_10, 100);
            TrainingJob job = new TrainingJob(model, model, folder.newFolder("n").toPath(), null, 9,
                    new TrainingListener() { }, () -> false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainingLoop(job, byHr).run());
            assertEquals("trainer.params.selectBy hr@10: this run's training data ranks no validation cases ([]); use"
                    + " selectBy loss", e.getMessage());
        }
    }

    @Test
    public void zeroEpochsLeaveTheWeightsAloneAndReportTheirValidationLoss() throws Exception {
        try (LinearModel model = new LinearModel(40, 8, 4)) {
            model.scriptedValidation = call -> 2.5f;
            float[] before = model.parameters().get("w").toFloatArray();
            List<ValidationMetrics> validations = new ArrayList<>();
            TrainingListener record = new TrainingListener() {
                @Override
                public void onValidation(ValidationMetrics m) {
                    validations.add(m);
                }
            };
            Path checkpoints = folder.newFolder("zero").toPath();
            TrainingJob job = new TrainingJob(model, model, checkpoints, null, 9, record, () -> false);
            TrainingResult result = new TrainingLoop(job, params(0, 0, 1, 0.05, 0)).run();
            assertEquals(0, result.steps());
            assertEquals(2.5, result.bestValidationLoss(), 1e-6);
            assertTrue(result.reason(), result.reason().contains("zero-shot"));
            assertEquals(1, validations.size());
            assertEquals(0, validations.get(0).step());
            assertArrayEquals(before, model.parameters().get("w").toFloatArray(), 0f);
            assertEquals("no checkpoint written", 0, Files.list(checkpoints).count());
        }
    }

    @Test
    public void nonFiniteLossStopsWithAClearErrorAndKeepsTheLastGoodCheckpoint() throws Exception {
        Path checkpoints = folder.newFolder("d").toPath();
        try (LinearModel model = new LinearModel(40, 8, 5)) {
            model.nanFromCall = 5; // step 3's first micro-batch (2 micro-batches per step)
            TrainingJob job = new TrainingJob(model, model, checkpoints, null, 1, new TrainingListener() { }, () -> false);
            TrainingDiverged e = assertThrows(TrainingDiverged.class, () -> new TrainingLoop(job, params(4, 1, 0, 0.05, 0)).run());
            assertTrue(e.getMessage(), e.getMessage().startsWith("loss is NaN at step 3 (micro-batch 1)"));
        }
        Path early = folder.newFolder("e").toPath();
        try (LinearModel model = new LinearModel(40, 8, 5)) {
            model.nanFromCall = 1; // step 1, before the first validation (step 3 here: evalEvery 3)
            TrainingJob job = new TrainingJob(model, model, early, null, 1, new TrainingListener() { }, () -> false);
            TrainingDiverged e = assertThrows(TrainingDiverged.class, () -> new TrainingLoop(job, params(4, 3, 0, 0.05, 0)).run());
            assertTrue(e.getMessage(), e.getMessage().endsWith("no checkpoint was written: the run diverged at step 1,"
                    + " before the first validation (step 3) writes one; lower the learning rate (lr), raise"
                    + " warmupSteps or set clipNorm, and start again"));
        }
        var state = new ObjectMapper().readTree(checkpoints.resolve("last").resolve(Checkpoints.STATE).toFile());
        assertEquals(2, state.get("step").asInt());
    }

    /**
     * Data parallelism with replicas (here on the CPU) must train exactly as one device accumulating the same
     * micro-batches, including steps whose last round leaves a shard idle (3 micro-batches over 2 shards).
     */
    @Test
    public void dataParallelReplicasTrainAsOneDevice() throws Exception {
        int[][] cases = {{1, 2}, {1, 3}, {2, 3}}; // {replicas, accumulation}
        for (int[] c : cases) {
            int shards = c[0] + 1;
            TrainerParams p = new TrainerParams(0.2, null, null, null, null, 1, null, 4, c[1], 3, null, 1.0, 0, 0,
                    null, null);
            List<Double> single = new ArrayList<>();
            float[] expected;
            try (LinearModel model = new LinearModel(48, 8, 6)) {
                new TrainingLoop(job(model, folder.newFolder().toPath(), null, () -> false, single), p).run();
                expected = model.parameters().get("w").toFloatArray();
            }
            List<Double> parallel = new ArrayList<>();
            try (LinearModel model = new LinearModel(48, 8, 6)) {
                new TrainingLoop(job(model, folder.newFolder().toPath(), null, () -> false, parallel), p,
                        java.util.Collections.nCopies(c[0], "cpu")).run();
                String label = c[0] + " replica(s), accumulation " + c[1];
                assertArrayEquals(label, expected, model.parameters().get("w").toFloatArray(), 1e-6f);
                // The primary computed only its share of the micro-batches.
                assertEquals(label, (c[1] + shards - 1) / shards * parallel.size(), model.trainingCalls());
            }
            assertEquals(single.size(), parallel.size());
            for (int i = 0; i < single.size(); i++) {
                assertEquals(single.get(i), parallel.get(i), 1e-6);
            }
        }
    }

    @Test
    public void multiGpuTrainerRefusesWhenNoGpuIsVisible() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new MultiGpuTrainer().bind(TrainerParams.defaults()).device());
        assertTrue(e.getMessage(), e.getMessage().startsWith("trainer 'multi-gpu': DJL's PyTorch"));
        assertTrue(e.getMessage(), e.getMessage().contains("sees no GPU"));
    }

    @Test
    public void gpuTrainerRefusesWhenNoGpuIsVisible() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new GpuTrainer().bind(TrainerParams.defaults()).device());
        assertTrue(e.getMessage(), e.getMessage().startsWith("trainer 'gpu': no CUDA device gpu(0)"));
    }

    @Test
    public void parameterErrorsNameTheField() throws Exception {
        // schedule is an enum: the spec binder refuses other names and lists the valid ones (JsonErrors).
        com.fasterxml.jackson.databind.exc.InvalidFormatException bad = assertThrows(
                com.fasterxml.jackson.databind.exc.InvalidFormatException.class,
                () -> new com.fasterxml.jackson.databind.ObjectMapper().readValue("{\"schedule\": \"step\"}",
                        TrainerParams.class));
        assertEquals(TrainerParams.Schedule.class, bad.getTargetType());
        assertEquals(TrainerParams.Schedule.COSINE, new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue("{\"schedule\": \"cosine\"}", TrainerParams.class).schedule());
        assertEquals("lr must be a finite number > 0, got -1.0", assertThrows(IllegalArgumentException.class,
                () -> new TrainerParams(-1.0, null, null, null, null, null, null, null, null, null, null, null, null,
                        null, null, null)).getMessage());
    }

    private static TrainingJob job(LinearModel model, Path dir, Path resume, java.util.function.BooleanSupplier stop,
                                   List<Double> losses) {
        return job(model, dir, resume, stop, losses, new AtomicInteger());
    }

    private static TrainingJob job(LinearModel model, Path dir, Path resume, java.util.function.BooleanSupplier stop,
                                   List<Double> losses, AtomicInteger steps) {
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                losses.add(m.loss());
                steps.set(m.step());
            }
        };
        return new TrainingJob(model, model, dir, resume, 11, listener, stop);
    }
}
