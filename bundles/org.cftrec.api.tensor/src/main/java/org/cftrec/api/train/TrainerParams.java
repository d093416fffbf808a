package org.cftrec.api.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Hyper-parameters of the DJL trainers. Defaults mirror the CFT reference: AdamW without weight decay,
 * lr 1e-4, 20 warm-up steps then linear decay, effective batch 64 (micro-batch 16 x 4 accumulation),
 * up to 3 epochs, early stopping with patience 1 on the validation L_n, best checkpoint kept.
 */
public record TrainerParams(
        @JsonPropertyDescription("peak learning rate") Double lr,
        @JsonPropertyDescription("decoupled weight decay of AdamW") Double weightDecay,
        @JsonPropertyDescription("AdamW first-moment decay") Double beta1,
        @JsonPropertyDescription("AdamW second-moment decay") Double beta2,
        @JsonPropertyDescription("AdamW denominator epsilon") Double epsilon,
        @JsonPropertyDescription("linear warm-up from 0 to lr") Integer warmupSteps,
        @JsonPropertyDescription("after warm-up: linear (to 0 at the last step), cosine, or constant") Schedule schedule,
        @JsonPropertyDescription("examples per forward call") Integer microBatch,
        @JsonPropertyDescription("micro-batches per optimiser step (effective batch = microBatch x accumulation)")
        Integer accumulation,
        @JsonPropertyDescription("passes over the training examples (0: no training, the backbone is evaluated as "
                + "loaded)")
        Integer epochs,
        @JsonPropertyDescription("stop after this many optimiser steps (0 = no limit)") Integer maxSteps,
        @JsonPropertyDescription("clip the global gradient norm to this value (0 = off)") Double clipNorm,
        @JsonPropertyDescription("validate every N steps (0 = at the end of every epoch)") Integer evalEvery,
        @JsonPropertyDescription("stop after this many validations without improvement (0 = never stop early)")
        Integer patience,
        @JsonPropertyDescription("validate on at most this many examples (0 = all)") Integer maxValidation,
        @JsonPropertyDescription("GPU index for the gpu trainer (ignored by cpu)") Integer device,
        @JsonPropertyDescription("example order of an epoch: shuffled (every example anywhere), or blocks (runs of "
                + "microBatch consecutive examples shuffled as wholes: a user's windows share a micro-batch, which "
                + "packed training scores in one row)") Order order,
        @JsonPropertyDescription("what picks the best checkpoint and drives early stopping: loss (validation L_n, "
                + "the reference), or ndcg@10 / hr@10 (the first evaluation protocol on the first "
                + "rankingCases validation cases)") Selection selectBy,
        @JsonPropertyDescription("validation cases ranked when selectBy is a ranking metric (default 1000)")
        Integer rankingCases) {

    /** The 1.1 parameters, without {@code order} (shuffled), {@code selectBy} (loss) and {@code rankingCases}. */
    public TrainerParams(Double lr, Double weightDecay, Double beta1, Double beta2, Double epsilon,
                         Integer warmupSteps, Schedule schedule, Integer microBatch, Integer accumulation,
                         Integer epochs, Integer maxSteps, Double clipNorm, Integer evalEvery, Integer patience,
                         Integer maxValidation, Integer device) {
        this(lr, weightDecay, beta1, beta2, epsilon, warmupSteps, schedule, microBatch, accumulation, epochs, maxSteps,
                clipNorm, evalEvery, patience, maxValidation, device, null, null, null);
    }

    public TrainerParams {
        lr = positive("lr", lr, 1e-4);
        weightDecay = nonNegative("weightDecay", weightDecay, 0.0);
        beta1 = unit("beta1", beta1, 0.9);
        beta2 = unit("beta2", beta2, 0.999);
        epsilon = positive("epsilon", epsilon, 1e-8);
        warmupSteps = count("warmupSteps", warmupSteps, 20, 0);
        schedule = schedule == null ? Schedule.LINEAR : schedule;
        microBatch = count("microBatch", microBatch, 16, 1);
        accumulation = count("accumulation", accumulation, 4, 1);
        epochs = count("epochs", epochs, 3, 0);
        maxSteps = count("maxSteps", maxSteps, 0, 0);
        clipNorm = nonNegative("clipNorm", clipNorm, 1.0);
        evalEvery = count("evalEvery", evalEvery, 0, 0);
        patience = count("patience", patience, 1, 0);
        maxValidation = count("maxValidation", maxValidation, 0, 0);
        device = count("device", device, 0, 0);
        order = order == null ? Order.SHUFFLED : order;
        selectBy = selectBy == null ? Selection.LOSS : selectBy;
        rankingCases = count("rankingCases", rankingCases, 1000, 1);
    }

    /** What selects the best checkpoint. */
    public enum Selection {
        @JsonProperty("loss") LOSS(null),
        @JsonProperty("ndcg@10") NDCG_AT_10("NDCG@10"),
        @JsonProperty("hr@10") HR_AT_10("HR@10");

        private final String metric;

        Selection(String metric) {
            this.metric = metric;
        }

        /** The ranking metric's name in {@link TrainingData#validationRanking(int)}, or null for the loss. */
        public String metric() {
            return metric;
        }
    }

    /** How an epoch orders the training examples (see {@link EpochOrder#of}). */
    public enum Order {
        @JsonProperty("shuffled") SHUFFLED,
        @JsonProperty("blocks") BLOCKS
    }

    /** The learning rate after warm-up; a spec names it in lower case, anything else is refused with these values. */
    public enum Schedule {
        @JsonProperty("linear") LINEAR,
        @JsonProperty("cosine") COSINE,
        @JsonProperty("constant") CONSTANT
    }

    public static TrainerParams defaults() {
        return new TrainerParams(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }

    private static double positive(String name, Double value, double fallback) {
        double v = value == null ? fallback : value;
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, got " + v);
        }
        return v;
    }

    private static double nonNegative(String name, Double value, double fallback) {
        double v = value == null ? fallback : value;
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + v);
        }
        return v;
    }

    private static double unit(String name, Double value, double fallback) {
        double v = value == null ? fallback : value;
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + v);
        }
        return v;
    }

    private static int count(String name, Integer value, int fallback, int min) {
        int v = value == null ? fallback : value;
        if (v < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + v);
        }
        return v;
    }
}
