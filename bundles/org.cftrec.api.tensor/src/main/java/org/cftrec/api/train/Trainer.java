package org.cftrec.api.train;

import org.osgi.annotation.versioning.ConsumerType;

import java.io.IOException;

/**
 * Runs a {@link TrainingJob} on its device(s), with the plugin's parameters already bound.
 */
@ConsumerType
public interface Trainer {

    /**
     * The device the run opens the backbone on (DJL device name, e.g. {@code cpu} or {@code gpu0}): a value
     * the pipeline reads once, before it opens the backbone.
     *
     * @throws IllegalStateException with a clear message when the device does not exist on this machine
     */
    String device();

    TrainingResult train(TrainingJob job) throws IOException;
}
