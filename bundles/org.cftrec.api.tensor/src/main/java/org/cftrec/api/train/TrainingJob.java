package org.cftrec.api.train;

import org.cftrec.api.model.Backbone;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * What a trainer runs.
 *
 * @param backbone            the model to train, on the trainer's device
 * @param data                examples and objective
 * @param checkpointDirectory where checkpoints go (written atomically)
 * @param resumeFrom          a checkpoint to continue from, or null
 * @param seed                seed of data order and any randomness of the trainer
 * @param listener            progress receiver
 * @param stopRequested       polled at every step boundary; when true the trainer checkpoints and returns
 */
public record TrainingJob(Backbone backbone, TrainingData data, Path checkpointDirectory, Path resumeFrom,
                          long seed, TrainingListener listener, BooleanSupplier stopRequested) {
    public TrainingJob {
        Objects.requireNonNull(backbone, "backbone");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(checkpointDirectory, "checkpointDirectory");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(stopRequested, "stopRequested");
    }
}
