package org.cftrec.api.model;

import org.osgi.annotation.versioning.ConsumerType;

import java.io.IOException;

/**
 * Opens a {@link Backbone} from a checkpoint folder or creates one from a preset, with the plugin's parameters
 * already bound.
 */
@ConsumerType
public interface BackboneLoader {
    Backbone open(BackboneRequest request) throws IOException;
}
