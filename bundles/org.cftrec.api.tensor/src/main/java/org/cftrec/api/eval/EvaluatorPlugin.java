package org.cftrec.api.eval;

import org.osgi.annotation.versioning.ConsumerType;

import org.cftrec.api.Plugin;

/**
 * Plugin kind {@code evaluator}: binds its parameters into an {@link Evaluator}.
 *
 * @param <P> the parameter record
 */
@ConsumerType
public interface EvaluatorPlugin<P> extends Plugin<P, Evaluator> {
}
