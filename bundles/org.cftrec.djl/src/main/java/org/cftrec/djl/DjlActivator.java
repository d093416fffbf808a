package org.cftrec.djl;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/**
 * Initialises DJL once per JVM, eagerly and with the right TCCL. Engine discovery happens in a static
 * initializer: a first touch with the wrong TCCL would poison it until the JVM restarts, so it is done here.
 */
public final class DjlActivator implements BundleActivator {
    private static final Logger LOG = LoggerFactory.getLogger(DjlActivator.class);

    /** A minimal WordLevel tokenizer, enough to make DJL extract and load the tokenizers native library. */
    private static final String PROBE_TOKENIZER = "{\"version\":\"1.0\",\"model\":{\"type\":\"WordLevel\","
            + "\"vocab\":{\"[UNK]\":0,\"probe\":1},\"unk_token\":\"[UNK]\"},"
            + "\"pre_tokenizer\":{\"type\":\"Whitespace\"}}";

    @Override
    public void start(BundleContext context) throws Exception {
        configureLocations(context);
        long started = System.nanoTime();
        Djl.withTccl(() -> {
            Engine engine = Engine.getInstance();
            try (NDManager manager = NDManager.newBaseManager();
                 NDArray probe = manager.create(new float[] {1f, 2f, 3f})) {
                probe.dot(probe).getFloat();
            }
            try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(PROBE_TOKENIZER.getBytes(StandardCharsets.UTF_8)),
                    Map.of("addSpecialTokens", "false"))) {
                tokenizer.encode("probe");
            }
            return engine;
        });
        LOG.info("DJL platform ready in {} ms: {}", (System.nanoTime() - started) / 1_000_000, Djl.describe());
    }

    @Override
    public void stop(BundleContext context) {
        // Native libraries stay bound to this class loader for the life of the JVM; nothing to release.
    }

    /**
     * Keeps DJL's native cache and JNA's temp files under the runtime's data folder and forbids downloads,
     * unless the launcher already chose otherwise.
     */
    private static void configureLocations(BundleContext context) {
        String data = context.getProperty("karaf.data");
        Path base = data != null ? Paths.get(data) : Paths.get(System.getProperty("java.io.tmpdir"), "cftrec");
        setIfAbsent("DJL_CACHE_DIR", base.resolve("djl-cache").toString());
        setIfAbsent("jna.tmpdir", base.resolve("tmp").toString());
        setIfAbsent("ai.djl.offline", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }
}
