package org.cftrec.api.model;

import org.osgi.annotation.versioning.ConsumerType;

import org.cftrec.api.Plugin;

/**
 * Plugin kind {@code backbone}: binds its parameters into a {@link BackboneLoader}.
 *
 * @param <P> the parameter record
 */
@ConsumerType
public interface BackbonePlugin<P> extends Plugin<P, BackboneLoader> {
}
