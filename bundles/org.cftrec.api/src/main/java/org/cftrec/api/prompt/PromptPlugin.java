package org.cftrec.api.prompt;

import org.osgi.annotation.versioning.ConsumerType;

import org.cftrec.api.Plugin;

/**
 * Plugin kind {@code prompt}: binds its parameters into a {@link PromptTemplate}.
 *
 * @param <P> the parameter record
 */
@ConsumerType
public interface PromptPlugin<P> extends Plugin<P, PromptTemplate> {
}
