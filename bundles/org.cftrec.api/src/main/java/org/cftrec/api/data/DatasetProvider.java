package org.cftrec.api.data;

import org.osgi.annotation.versioning.ConsumerType;

import org.cftrec.api.Plugin;
import org.cftrec.api.PluginContext;

import java.io.IOException;

/**
 * Plugin kind {@code dataset}: loads a {@link RecDataset}. Malformed input must fail with the file and
 * line in the message; a provider never returns a partial dataset.
 */
@ConsumerType
public interface DatasetProvider<P> extends Plugin<P> {
    RecDataset load(P params, PluginContext context) throws IOException;

    /**
     * Checks, without reading the data, that every file the parameters name is where the context allows and
     * exists; {@code cftrec:validate} and the start of a run call it, so that a wrong path fails before a run
     * folder is made. The default checks nothing (datasets that read no files).
     *
     * @throws IOException or IllegalArgumentException naming the parameter and the path
     */
    default void checkData(P params, PluginContext context) throws IOException {
    }
}
