package org.cftrec.api.data;

import org.osgi.annotation.versioning.ConsumerType;

import org.cftrec.api.PluginContext;

import java.io.IOException;

/**
 * Loads a {@link RecDataset}, with the plugin's parameters already bound. Malformed input must fail with the
 * file and line in the message; a source never returns a partial dataset.
 */
@ConsumerType
public interface DatasetSource {

    /** Reads the data; every file goes through the context's {@code resolveData*} methods. */
    RecDataset load(PluginContext context) throws IOException;

    /**
     * Checks, without reading the data, that every file the parameters name is where the context allows and
     * exists; {@code cftrec:validate} and the start of a run call it, so that a wrong path fails before a run
     * folder is made. The default checks nothing (datasets that read no files).
     *
     * @throws IOException or IllegalArgumentException naming the parameter and the path
     */
    default void checkData(PluginContext context) throws IOException {
    }

    /** Checks a dataset's files; the shape of {@link #checkData}. */
    @FunctionalInterface
    interface Check {
        void check(PluginContext context) throws IOException;
    }

    /**
     * A source from a load and a check, for plugins that keep both as methods of their own:
     * {@code return DatasetSource.of(c -> load(params, c), c -> checkData(params, c));}
     */
    static DatasetSource of(DatasetSource load, Check check) {
        return new DatasetSource() {
            @Override
            public RecDataset load(PluginContext context) throws IOException {
                return load.load(context);
            }

            @Override
            public void checkData(PluginContext context) throws IOException {
                check.check(context);
            }
        };
    }
}
