package org.cftrec.api.reference;

import org.cftrec.api.Plugin;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Plugin kind {@code reference}: a recommender that is not an LLM, named in a spec's {@code references} and
 * scored on the run's test cases beside its variants. Binds its parameters into a {@link Reference}.
 *
 * @param <P> the parameter record
 */
@ConsumerType
public interface ReferencePlugin<P> extends Plugin<P, Reference> {
}
