package org.cftrec.api.data;

import org.cftrec.api.Plugin;
import org.cftrec.api.PluginContext;

import java.io.IOException;

/**
 * Plugin kind {@code dataset}: loads a {@link RecDataset}. Malformed input must fail with the file and
 * line in the message; a provider never returns a partial dataset.
 */
public interface DatasetProvider<P> extends Plugin<P> {
    RecDataset load(P params, PluginContext context) throws IOException;
}
