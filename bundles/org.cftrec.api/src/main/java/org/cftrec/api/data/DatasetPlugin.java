package org.cftrec.api.data;

import org.osgi.annotation.versioning.ConsumerType;

import org.cftrec.api.Plugin;

/**
 * Plugin kind {@code dataset}: binds its parameters into a {@link DatasetSource}.
 *
 * @param <P> the parameter record
 */
@ConsumerType
public interface DatasetPlugin<P> extends Plugin<P, DatasetSource> {
}
