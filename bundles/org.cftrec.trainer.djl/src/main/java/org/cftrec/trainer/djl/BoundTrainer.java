package org.cftrec.trainer.djl;

import org.cftrec.api.train.Trainer;
import org.cftrec.api.train.TrainingJob;
import org.cftrec.api.train.TrainingResult;

import java.io.IOException;
import java.util.function.Supplier;

/** A DJL trainer with its parameters bound: the device it asks for (checked each time it is read) and its loop. */
final class BoundTrainer implements Trainer {

    /** How a trainer trains; the shape of {@link Trainer#train}. */
    @FunctionalInterface
    interface Loop {
        TrainingResult run(TrainingJob job) throws IOException;
    }

    private final Supplier<String> device;
    private final Loop loop;

    BoundTrainer(Supplier<String> device, Loop loop) {
        this.device = device;
        this.loop = loop;
    }

    @Override
    public String device() {
        return device.get();
    }

    @Override
    public TrainingResult train(TrainingJob job) throws IOException {
        return loop.run(job);
    }
}
