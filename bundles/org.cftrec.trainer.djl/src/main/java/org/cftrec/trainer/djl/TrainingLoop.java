package org.cftrec.trainer.djl;

import org.cftrec.api.train.EpochOrder;
import org.cftrec.api.train.TrainerParams;
import ai.djl.engine.Engine;
import org.cftrec.djl.Djl;
import org.cftrec.djl.NativeHeap;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.train.LossTerms;
import org.cftrec.api.train.StepMetrics;
import org.cftrec.api.train.TrainingData;
import org.cftrec.api.train.TrainingJob;
import org.cftrec.api.train.TrainingResult;
import org.cftrec.api.train.ValidationMetrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

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

    /** Extra devices holding data-parallel replicas ("gpu1", ...); empty for one device. */
    private final List<String> replicaDevices;

    TrainingLoop(TrainingJob job, TrainerParams params) {
        this(job, params, List.of());
    }

    /**
     * Data parallelism as in PyTorch's DataParallel: the backbone is replicated on each of {@code replicaDevices},
     * the micro-batches of a step are dealt round-robin to the primary and the replicas, each round's losses are
     * summed into one backward call (the autograd engine runs every device's part on that device), gradients are
     * added up on the primary, which takes the optimiser step, and the new weights are copied to the replicas.
     * The result equals one device accumulating the same micro-batches, up to float summation order.
     */
    TrainingLoop(TrainingJob job, TrainerParams params, List<String> replicaDevices) {
        this.replicaDevices = List.copyOf(replicaDevices);
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

    /** Where a diverged run can go back to: the last checkpoint if one was written, else that there is none. */
    private String lastGoodCheckpoint(int step) {
        Path last = job.checkpointDirectory().resolve(LAST);
        return Files.isDirectory(last) ? "the last good checkpoint is " + last
                : "no checkpoint was written: the run diverged at step " + step + ", before the first validation"
                + " (step " + Math.min(evalEvery, totalSteps) + ") writes one; lower the learning rate (lr), raise"
                + " warmupSteps or set clipNorm, and start again";
    }

    /**
     * From this model size on, freed native memory goes back to the system every second while training: at 494 M
     * parameters the step's peak falls from 14.9 to 13.9 GB; at the tiny preset the same trim slowed steps by a
     * third and saved nothing that matters (README, "Real scale").
     */
    static final long TRIM_FROM_PARAMETERS = 100_000_000L;

    TrainingResult run() throws IOException {
        if (totalSteps == 0) {
            return zeroShot();
        }
        Path last = job.checkpointDirectory().resolve(LAST);
        Checkpoints.recover(last);
        Checkpoints.recover(job.checkpointDirectory().resolve(BEST));
        Path best = job.checkpointDirectory().resolve(BEST);
        Djl.disableGradientTracking(); // in-place optimiser updates need tracking off outside the collector
        weights.values().forEach(w -> w.setRequiresGradient(true));
        AdamW optimizer = new AdamW(p, weights, job.backbone().manager());
        TrainerState state = job.resumeFrom() != null ? resume(job.resumeFrom(), optimizer) : TrainerState.initial();
        List<Shard> shards = new ArrayList<>(List.of(new Shard(data, weights, null)));
        try (NativeHeap.Trimming ignored = job.backbone().shape().parameterCount() >= TRIM_FROM_PARAMETERS
                ? NativeHeap.every(Duration.ofSeconds(1)) : NativeHeap.none()) {
            for (String device : replicaDevices) {
                Backbone replica = job.backbone().replicate(device); // after resume: copies the restored weights
                replica.parameters().values().forEach(w -> w.setRequiresGradient(true));
                shards.add(new Shard(data.withBackbone(replica), replica.parameters(), replica));
            }
            return run(state, optimizer, shards, last, best);
        } finally {
            shards.stream().map(Shard::replica).filter(java.util.Objects::nonNull).forEach(Backbone::close);
        }
    }

    /** One device's share of the work: its objective, its weights and, for a replica, its backbone. */
    private record Shard(TrainingData data, Map<String, NDArray> weights, Backbone replica) {
    }

    private TrainingResult run(TrainerState state, AdamW optimizer, List<Shard> shards, Path last, Path best)
            throws IOException {
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
                order = EpochOrder.of(p, data.trainingExamples(), job.seed(), epoch);
                orderEpoch = epoch;
            }
            // Randomness inside the step (dropout) from (seed, step) alone: the same on a resumed run.
            engine.setRandomSeed((int) (job.seed() * 1_000_003L + step));
            double[] losses = accumulate(engine, order, step, shards);
            double gradientNorm = clipGradients(step);
            double lr = LearningRate.at(step, totalSteps, p);
            optimizer.step(weights, lr);
            broadcast(shards);
            state = new TrainerState(step, state.bestStep(), state.bestLoss(), state.validationsSinceBest());
            job.listener().onStep(new StepMetrics(step, totalSteps, epoch + 1, losses[0], losses[1], losses[2], lr,
                    gradientNorm, losses[3]));
            if (step % evalEvery == 0 || step == totalSteps) {
                state = validate(state, epoch + 1, optimizer, best);
                Checkpoints.save(last, weights, optimizer, state);
                if (p.patience() > 0 && state.validationsSinceBest() >= p.patience()) {
                    String criterion = p.selectBy().metric() == null ? "L_n" : p.selectBy().metric();
                    reason = "early stop at step " + step + ": validation " + criterion + " did not improve for "
                            + state.validationsSinceBest() + " validation(s); best at step " + state.bestStep()
                            + (p.selectBy().metric() == null ? "" : String.format(java.util.Locale.ROOT, " (%s %.4f)",
                            p.selectBy().metric(), -state.bestLoss()));
                    early = true;
                    break;
                }
            }
        }
        if (state.bestStep() > 0 && state.bestStep() != state.step() && Files.isDirectory(best)) {
            restoreWeights(best);
            job.listener().onMessage("restored the best weights (step " + state.bestStep() + ")");
        }
        // Selected by a ranking metric, the best state holds minus that metric, not a loss.
        return new TrainingResult(state.step(), state.bestStep(), p.selectBy().metric() == null ? state.bestLoss()
                : Double.NaN, Files.isDirectory(best) ? best : last, early, reason);
    }

    /**
     * One optimiser step's micro-batches: forward, backward (gradients add up), mean losses and examples/s. With
     * replicas, each round gives one micro-batch to each shard and gradients are then summed on the primary.
     */
    private double[] accumulate(Engine engine, int[] order, int step, List<Shard> shards) {
        int perStep = p.microBatch() * p.accumulation();
        int start = ((step - 1) % stepsPerEpoch) * perStep;
        int end = Math.min(start + perStep, order.length);
        List<int[]> batches = new ArrayList<>();
        for (int from = start; from < end; from += p.microBatch()) {
            batches.add(Arrays.copyOfRange(order, from, Math.min(from + p.microBatch(), end)));
        }
        int microBatches = batches.size();
        double loss = 0;
        double factual = 0;
        double counterfactual = 0;
        long started = System.nanoTime();
        try (GradientCollector collector = engine.newGradientCollector()) {
            // Every array's gradient, replicas' included. In a scope: zeroGradients opens a handle on each gradient,
            // and a handle left open keeps the gradient shared, so the next backward pass allocates a new one
            // instead of accumulating in place, and the old one stays pinned: one more copy of all gradients per
            // step (2 GB each at 0.5B parameters).
            try (NDScope ignored = new NDScope()) {
                collector.zeroGradients();
            }
            for (int round = 0; round < microBatches; round += shards.size()) {
                try (NDScope ignored = new NDScope()) {
                    List<LossTerms> terms = new ArrayList<>();
                    NDArray roundTotal = null;
                    for (int s = 0; s < shards.size() && round + s < microBatches; s++) {
                        LossTerms t = shards.get(s).data().trainingLoss(batches.get(round + s));
                        terms.add(t);
                        NDArray scaled = t.total().div(Djl.scalar(t.total(), microBatches))
                                .toDevice(job.backbone().device(), false);
                        roundTotal = roundTotal == null ? scaled : roundTotal.add(scaled);
                    }
                    // Host reads only after every shard's forward pass is queued, so devices work concurrently.
                    for (int s = 0; s < terms.size(); s++) {
                        float total = terms.get(s).total().getFloat();
                        if (!Float.isFinite(total)) {
                            throw new TrainingDiverged("loss is " + total + " at step " + step + " (micro-batch "
                                    + (round + s + 1) + "); training stopped; " + lastGoodCheckpoint(step));
                        }
                        loss += total / microBatches;
                        factual += terms.get(s).factual().getFloat() / microBatches;
                        counterfactual += terms.get(s).counterfactual().getFloat() / microBatches;
                    }
                    collector.backward(roundTotal);
                    for (Shard shard : shards) {
                        (shard.replica() == null ? job.backbone() : shard.replica()).finishBackward();
                    }
                }
            }
        }
        reduceGradients(shards);
        double seconds = (System.nanoTime() - started) / 1e9;
        return new double[] {loss, factual, counterfactual, (end - start) / Math.max(seconds, 1e-9)};
    }

    /** Adds every replica's gradients to the primary's. */
    private void reduceGradients(List<Shard> shards) {
        for (Shard replica : shards.subList(1, shards.size())) {
            try (NDScope ignored = new NDScope()) {
                weights.forEach((name, w) -> {
                    NDArray theirs = replica.weights().get(name);
                    if (theirs.hasGradient()) {
                        w.getGradient().addi(theirs.getGradient().toDevice(w.getDevice(), false));
                    }
                });
            }
        }
    }

    /** Copies the primary's updated weights into every replica, in place (x - x + y is exactly y). */
    private void broadcast(List<Shard> shards) {
        for (Shard replica : shards.subList(1, shards.size())) {
            try (NDScope ignored = new NDScope()) {
                weights.forEach((name, w) -> {
                    NDArray theirs = replica.weights().get(name);
                    theirs.subi(theirs).addi(w.toDevice(theirs.getDevice(), false));
                });
            }
        }
    }

    /** Global L2 norm of all gradients; scaled down to clipNorm when above it. */
    /**
     * The squared L2 norm of one gradient. One float pass as before; only where that overflows, a second pass
     * scaled by the largest magnitude (in double), so that a finite gradient whose square exceeds float (beyond
     * 1.8e19, a loss spike) is clipped like any other, not taken for a diverged run. Infinite or NaN entries
     * still give a non-finite norm.
     */
    static double squaredNorm(NDArray gradient) {
        double plain = gradient.square().sum().toType(ai.djl.ndarray.types.DataType.FLOAT32, false).getFloat();
        if (Double.isFinite(plain)) {
            return plain;
        }
        NDArray magnitude = gradient.abs().max().toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        double largest = magnitude.getFloat();
        if (largest == 0 || !Double.isFinite(largest)) {
            return largest == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        double scaled = gradient.div(Djl.scalar(gradient, largest)).square().sum()
                .toType(ai.djl.ndarray.types.DataType.FLOAT32, false).getFloat();
        return scaled * largest * largest;
    }

    private double clipGradients(int step) {
        double squared = 0;
        try (NDScope ignored = new NDScope()) {
            for (NDArray w : weights.values()) {
                // One parameter's square at a time: held to the scope's end, all of them were a second copy of
                // every gradient (2 GB at 0.5B parameters).
                try (NDScope perParameter = new NDScope()) {
                    squared += squaredNorm(w.getGradient());
                }
            }
            double norm = Math.sqrt(squared);
            if (!Double.isFinite(norm)) {
                throw new TrainingDiverged("gradient norm is " + norm + " at step " + step + "; training stopped; "
                        + lastGoodCheckpoint(step));
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

    /**
     * {@code epochs} 0: no optimiser, no checkpoint, weights untouched; the backbone is evaluated as loaded (the
     * pretrained baseline). Its validation L_n is reported as step 0, comparable with the trained variants'.
     */
    private TrainingResult zeroShot() {
        double loss = validationExamples() == 0 ? Double.NaN : validationLoss();
        if (!Double.isNaN(loss)) {
            job.listener().onValidation(new ValidationMetrics(0, 0, loss, false));
        }
        return new TrainingResult(0, 0, loss, null, false,
                "no training (epochs 0): the backbone is evaluated as loaded (zero-shot)");
    }

    private int validationExamples() {
        int n = data.validationExamples();
        return p.maxValidation() > 0 ? Math.min(n, p.maxValidation()) : n;
    }

    private TrainerState validate(TrainerState state, int epoch, AdamW optimizer, Path best) throws IOException {
        if (validationExamples() == 0) {
            // Nothing to select on: the latest weights are the best ones.
            TrainerState next = new TrainerState(state.step(), state.step(), Double.NaN, 0);
            Checkpoints.save(best, weights, optimizer, next);
            return next;
        }
        double loss = validationLoss();
        java.util.Map<String, Double> ranking = java.util.Map.of();
        // The criterion is kept as "lower is better": L_n, or minus the ranking metric.
        double criterion = loss;
        String metric = p.selectBy().metric();
        if (metric != null) {
            ranking = data.validationRanking(p.rankingCases());
            Double value = ranking.get(metric);
            if (value == null) {
                throw new IllegalArgumentException("trainer.params.selectBy " + metric.toLowerCase(java.util.Locale.ROOT)
                        + ": this run's training data ranks no validation cases (" + ranking.keySet() + "); use"
                        + " selectBy loss");
            }
            criterion = -value;
        }
        boolean improved = criterion < state.bestLoss();
        TrainerState next = improved ? new TrainerState(state.step(), state.step(), criterion, 0)
                : new TrainerState(state.step(), state.bestStep(), state.bestLoss(), state.validationsSinceBest() + 1);
        if (improved) {
            Checkpoints.save(best, weights, optimizer, next);
        }
        job.listener().onValidation(new ValidationMetrics(state.step(), epoch, loss, improved, ranking));
        return next;
    }

    /** Mean validation L_n over the first {@link #validationExamples()} examples (at least one). */
    private double validationLoss() {
        int n = validationExamples();
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
        return sum / n;
    }

    private TrainerState resume(Path checkpoint, AdamW optimizer) throws IOException {
        try (NDManager scratch = job.backbone().manager().newSubManager()) {
            TrainerState state = Checkpoints.restore(checkpoint, weights, optimizer, scratch);
            optimizer.restoredAt(state.step());
            job.listener().onMessage("resumed from " + checkpoint + " at step " + state.step());
            return state;
        }
    }

    private void restoreWeights(Path checkpoint) throws IOException {
        try (NDManager scratch = job.backbone().manager().newSubManager()) {
            Checkpoints.restore(checkpoint, weights, null, scratch);
        }
    }
}
