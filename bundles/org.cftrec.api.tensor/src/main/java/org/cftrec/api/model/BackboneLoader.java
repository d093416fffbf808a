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

    /**
     * Checks, without loading weights, what {@link #open} would refuse about the files the parameters name (a
     * checkpoint's config, tensor names and shapes, a LoRA adapter's files, links out of the roots):
     * {@code cftrec:validate} and the start of a run call it, so that a broken checkpoint fails before a run
     * folder is made. The default checks nothing.
     *
     * @throws IOException or IllegalArgumentException naming the parameter and the file
     */
    default void check(org.cftrec.api.PluginContext context) throws IOException {
    }
}
