package org.cftrec.api.model;

import org.osgi.annotation.versioning.ConsumerType;

import org.cftrec.api.Plugin;

import java.io.IOException;

/**
 * Plugin kind {@code backbone}: opens a {@link Backbone} from a checkpoint folder or creates one from a preset.
 */
@ConsumerType
public interface BackboneProvider<P> extends Plugin<P> {
    Backbone open(P params, BackboneRequest request) throws IOException;
}
