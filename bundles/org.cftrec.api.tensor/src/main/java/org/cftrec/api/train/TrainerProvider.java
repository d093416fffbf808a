package org.cftrec.api.train;

import org.osgi.annotation.versioning.ConsumerType;

import org.cftrec.api.Plugin;

import java.io.IOException;

/**
 * Plugin kind {@code trainer}: runs a {@link TrainingJob} on its device(s).
 */
@ConsumerType
public interface TrainerProvider<P> extends Plugin<P> {

    /**
     * The device the backbone must be opened on (DJL device name, e.g. {@code cpu} or {@code gpu0}); throws
     * {@link IllegalStateException} with a clear message when the device does not exist on this machine.
     */
    String device(P params);

    TrainingResult train(TrainingJob job, P params) throws IOException;
}
