package org.cftrec.trainer.djl;

import ai.djl.engine.Engine;
import org.cftrec.djl.Djl;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import org.cftrec.api.train.LossTerms;
import org.cftrec.api.train.StepMetrics;
import org.cftrec.api.train.TrainingData;
import org.cftrec.api.train.TrainingJob;
import org.cftrec.api.train.TrainingResult;
import org.cftrec.api.train.ValidationMetrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The optimisation loop shared by the DJL trainers: shuffled epochs, micro-batches accumulated into
 * optimiser steps, global-norm clipping, AdamW with warm-up and decay, validation of L_n, early stopping,
 * the best and the last checkpoint (checkpoints/best, checkpoints/last) and exact resume from the last.
 */
final class TrainingLoop {
    static final String LAST = "last";
    static final String BEST = "best";

    private final TrainingJob job;
    private final TrainerParams p;
    private final Map<String, NDArray> weights;
    private final TrainingData data;
    private final int stepsPerEpoch;
    private final int totalSteps;
    private final int evalEvery;

    TrainingLoop(TrainingJob job, TrainerParams params) {
        this.job = job;
        this.p = params;
        this.weights = job.backbone().parameters();
        this.data = job.data();
        int n = data.trainingExamples();
        if (n == 0) {
            throw new IllegalArgumentException("the dataset has no training examples");
        }
        int perStep = p.microBatch() * p.accumulation();
        stepsPerEpoch = (n + perStep - 1) / perStep;
        int planned = p.epochs() * stepsPerEpoch;
        totalSteps = p.maxSteps() > 0 ? Math.min(planned, p.maxSteps()) : planned;
        evalEvery = p.evalEvery() > 0 ? p.evalEvery() : stepsPerEpoch;
    }

    TrainingResult run() throws IOException {
        Path last = job.checkpointDirectory().resolve(LAST);
        Path best = job.checkpointDirectory().resolve(BEST);
        Djl.disableGradientTracking(); // in-place optimiser updates need tracking off outside the collector
        weights.values().forEach(w -> w.setRequiresGradient(true));
        AdamW optimizer = new AdamW(p, weights, job.backbone().manager());
        TrainerState state = job.resumeFrom() != null ? resume(job.resumeFrom(), optimizer) : TrainerState.initial();
        Engine engine = Engine.getInstance();
        int[] order = null;
        int orderEpoch = -1;
        String reason = "completed " + totalSteps + " steps";
        boolean early = false;
        while (state.step() < totalSteps) {
            if (job.stopRequested().getAsBoolean()) {
                Checkpoints.save(last, weights, optimizer, state);
                reason = "stop requested at step " + state.step() + "; checkpoint " + last;
                early = true;
                break;
            }
            int step = state.step() + 1;
            int epoch = (step - 1) / stepsPerEpoch;
            if (epoch != orderEpoch) {
                order = permutation(data.trainingExamples(), job.seed(), epoch);
                orderEpoch = epoch;
            }
            double[] losses = accumulate(engine, order, step);
            double gradientNorm = clipGradients();
            double lr = LearningRate.at(step, totalSteps, p);
            optimizer.step(weights, lr);
            state = new TrainerState(step, state.bestStep(), state.bestLoss(), state.validationsSinceBest());
            job.listener().onStep(new StepMetrics(step, totalSteps, epoch + 1, losses[0], losses[1], losses[2], lr,
                    gradientNorm, losses[3]));
            if (step % evalEvery == 0 || step == totalSteps) {
                state = validate(state, epoch + 1, optimizer, best);
                Checkpoints.save(last, weights, optimizer, state);
                if (p.patience() > 0 && state.validationsSinceBest() >= p.patience()) {
                    reason = "early stop at step " + step + ": validation L_n did not improve for "
                            + state.validationsSinceBest() + " validation(s); best at step " + state.bestStep();
                    early = true;
                    break;
                }
            }
        }
        if (state.bestStep() > 0 && state.bestStep() != state.step() && Files.isDirectory(best)) {
            restoreWeights(best);
            job.listener().onMessage("restored the best weights (step " + state.bestStep() + ")");
        }
        return new TrainingResult(state.step(), state.bestStep(), state.bestLoss(),
                Files.isDirectory(best) ? best : last, early, reason);
    }

    /** One optimiser step's micro-batches: forward, backward (gradients add up), mean losses and examples/s. */
    private double[] accumulate(Engine engine, int[] order, int step) {
        int perStep = p.microBatch() * p.accumulation();
        int start = ((step - 1) % stepsPerEpoch) * perStep;
        int end = Math.min(start + perStep, order.length);
        int microBatches = (end - start + p.microBatch() - 1) / p.microBatch();
        double loss = 0;
        double factual = 0;
        double counterfactual = 0;
        long started = System.nanoTime();
        try (GradientCollector collector = engine.newGradientCollector()) {
            collector.zeroGradients();
            for (int from = start, mb = 0; from < end; from += p.microBatch(), mb++) {
                int[] indices = Arrays.copyOfRange(order, from, Math.min(from + p.microBatch(), end));
                try (NDScope ignored = new NDScope()) {
                    LossTerms terms = data.trainingLoss(indices);
                    float total = terms.total().getFloat();
                    if (!Float.isFinite(total)) {
                        throw new TrainingDiverged("loss is " + total + " at step " + step + " (micro-batch " + (mb + 1)
                                + "); training stopped, the last good checkpoint is "
                                + job.checkpointDirectory().resolve(LAST));
                    }
                    collector.backward(terms.total().div(Djl.scalar(terms.total(), microBatches)));
                    loss += total / microBatches;
                    factual += terms.factual().getFloat() / microBatches;
                    counterfactual += terms.counterfactual().getFloat() / microBatches;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new double[] {loss, factual, counterfactual, (end - start) / Math.max(seconds, 1e-9)};
    }

    /** Global L2 norm of all gradients; scaled down to clipNorm when above it. */
    private double clipGradients() {
        double squared = 0;
        try (NDScope ignored = new NDScope()) {
            for (NDArray w : weights.values()) {
                squared += w.getGradient().square().sum().toType(ai.djl.ndarray.types.DataType.FLOAT32, false).getFloat();
            }
            double norm = Math.sqrt(squared);
            if (!Double.isFinite(norm)) {
                throw new TrainingDiverged("gradient norm is " + norm + "; training stopped, the last good checkpoint is "
                        + job.checkpointDirectory().resolve(LAST));
            }
            if (p.clipNorm() > 0 && norm > p.clipNorm()) {
                float scale = (float) (p.clipNorm() / norm);
                for (NDArray w : weights.values()) {
                    w.getGradient().muli(scale);
                }
            }
            return norm;
        }
    }

    private TrainerState validate(TrainerState state, int epoch, AdamW optimizer, Path best) throws IOException {
        int n = data.validationExamples();
        if (p.maxValidation() > 0) {
            n = Math.min(n, p.maxValidation());
        }
        if (n == 0) {
            // Nothing to select on: the latest weights are the best ones.
            TrainerState next = new TrainerState(state.step(), state.step(), Double.NaN, 0);
            Checkpoints.save(best, weights, optimizer, next);
            return next;
        }
        double sum = 0;
        for (int from = 0; from < n; from += p.microBatch()) {
            int to = Math.min(from + p.microBatch(), n);
            int[] indices = new int[to - from];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = from + i;
            }
            try (NDScope ignored = new NDScope()) {
                sum += data.validationLoss(indices).factual().getFloat() * indices.length;
            }
        }
        double loss = sum / n;
        boolean improved = loss < state.bestLoss();
        TrainerState next = improved ? new TrainerState(state.step(), state.step(), loss, 0)
                : new TrainerState(state.step(), state.bestStep(), state.bestLoss(), state.validationsSinceBest() + 1);
        if (improved) {
            Checkpoints.save(best, weights, optimizer, next);
        }
        job.listener().onValidation(new ValidationMetrics(state.step(), epoch, loss, improved));
        return next;
    }

    private TrainerState resume(Path checkpoint, AdamW optimizer) throws IOException {
        try (NDManager scratch = job.backbone().manager().newSubManager()) {
            Checkpoints.Loaded loaded = Checkpoints.load(checkpoint, scratch);
            weights.forEach((name, w) -> Checkpoints.copyInto(loaded.weights(), name, w));
            optimizer.restore(loaded.optimizer(), loaded.state().step());
            job.listener().onMessage("resumed from " + checkpoint + " at step " + loaded.state().step());
            return loaded.state();
        }
    }

    private void restoreWeights(Path checkpoint) throws IOException {
        try (NDManager scratch = job.backbone().manager().newSubManager()) {
            Checkpoints.Loaded loaded = Checkpoints.load(checkpoint, scratch);
            weights.forEach((name, w) -> Checkpoints.copyInto(loaded.weights(), name, w));
        }
    }

    /** The example order of one epoch: a seeded Fisher-Yates shuffle, the same on every run and on resume. */
    static int[] permutation(int n, long seed, int epoch) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + epoch);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
