package org.cftrec.api.weighting;

import org.osgi.annotation.versioning.ConsumerType;

import org.cftrec.api.Plugin;

/**
 * Plugin kind {@code weighting}: binds its parameters into a {@link WeightingSchedule}. The smallest plugin
 * kind: a good model for a first plugin (see {@code examples/} in the project).
 *
 * @param <P> the parameter record
 */
@ConsumerType
public interface WeightingPlugin<P> extends Plugin<P, WeightingSchedule> {
}
