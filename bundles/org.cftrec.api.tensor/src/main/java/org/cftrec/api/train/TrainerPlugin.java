package org.cftrec.api.train;

import org.osgi.annotation.versioning.ConsumerType;

import org.cftrec.api.Plugin;

/**
 * Plugin kind {@code trainer}: binds its parameters into a {@link Trainer}.
 *
 * @param <P> the parameter record
 */
@ConsumerType
public interface TrainerPlugin<P> extends Plugin<P, Trainer> {
}
