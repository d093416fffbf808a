package org.cftrec.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.cftrec.api.Plugin;
import org.cftrec.api.AtomicFiles;
import org.cftrec.api.PluginContext;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.model.BackboneLoader;
import org.cftrec.api.model.BackbonePlugin;
import org.cftrec.api.model.BackboneRequest;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What the benchmarks share: the peer's model shape, plugin lookup, timing and the engine's matmul peak. */
final class BenchSupport {
    /** The shape of ../shared/bench/torch_cft_ref.py: vocab 8000, hidden 256, 4 layers, 4 heads, SwiGLU 688. */
    static final String PEER_BACKBONE = "{\"preset\": \"tiny\", \"layers\": 4, \"hidden\": 256, \"heads\": 4,"
            + " \"intermediate\": 688, \"maxVocabulary\": 8000}";

    private BenchSupport() {
    }

    /**
     * An installed plugin by kind and name, bound to parameters given as JSON.
     *
     * @param serviceType  the kind's plugin interface, e.g. {@code TrainerPlugin.class}
     * @param instanceType what that kind binds into, e.g. {@code Trainer.class}
     */
    static <I> I bound(BundleContext context, Class<?> serviceType, Class<I> instanceType, String name, String json)
            throws IOException {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(serviceType.getName(),
                    "(" + Plugin.NAME_PROPERTY + "=" + name + ")");
            if (refs == null || !(context.getService(refs[0]) instanceof Plugin<?, ?> plugin)) {
                throw new IllegalStateException("no " + serviceType.getSimpleName() + " '" + name + "' is installed");
            }
            return instanceType.cast(bind(plugin, json));
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static <P> Object bind(Plugin<P, ?> plugin, String json) throws IOException {
        return plugin.bind(new ObjectMapper().readValue(json, plugin.parameterType()));
    }

    /** The tiny llama preset with exactly 8000 tokens (3 special + 7997 words), written to a temporary folder. */
    static Backbone peerBackbone(BundleContext context, long seed) throws IOException {
        BackboneLoader loader = bound(context, BackbonePlugin.class, BackboneLoader.class, "llama", PEER_BACKBONE);
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < 7997; i++) {
            corpus.add("w" + i);
        }
        Path work = Files.createTempDirectory("cftrec-bench");
        try {
            // The open backbone holds what it needs in memory; its files can go at once (data/tmp stays small).
            return loader.open(new BackboneRequest("cpu", corpus, new PluginContext(seed, work, work)));
        } finally {
            AtomicFiles.deleteRecursively(work);
        }
    }

    /**
     * A checkpoint folder (relative to the caller's working directory) opened with the llama backbone, float32, CPU.
     *
     * @param extra more {@code llama} parameters as a JSON object (e.g. {@code {"lora": {"rank": 16}}}), or null
     */
    static Backbone checkpointBackbone(BundleContext context, String folder, String extra) throws IOException {
        String cwd = System.getenv("CFTREC_CWD");
        Path base = Path.of(cwd == null || cwd.isBlank() ? System.getProperty("user.dir") : cwd);
        Path checkpoint = base.resolve(folder).toAbsolutePath().normalize();
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode given = extra == null ? json.createObjectNode() : json.readTree(extra);
        if (!(given instanceof ObjectNode params)) {
            throw new IllegalArgumentException("--backbone-params must be a JSON object, got " + extra);
        }
        params.put("path", checkpoint.toString());
        return bound(context, BackbonePlugin.class, BackboneLoader.class, "llama", params.toString())
                .open(new BackboneRequest("cpu", List.of(), new PluginContext(1, base, checkpoint)));
    }

    /** The process's peak resident memory so far (Linux VmHWM), or -1 where /proc is not there. */
    static long peakResidentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** fp32 matrix-multiply peak of the engine (GFLOP/s): the best of 20 products of n x n matrices. */
    static double matmulPeak(int n) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.randomUniform(-1, 1, new Shape(n, n));
            NDArray b = manager.randomUniform(-1, 1, new Shape(n, n));
            double[] seconds = new double[23];
            for (int i = 0; i < seconds.length; i++) {
                try (NDScope ignored = new NDScope()) {
                    long start = System.nanoTime();
                    a.matMul(b).getFloat(0, 0); // reading a value waits for the product
                    seconds[i] = (System.nanoTime() - start) / 1e9;
                }
            }
            double best = Arrays.stream(seconds, 3, seconds.length).min().orElseThrow();
            return 2.0 * n * n * n / best / 1e9;
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static String fmt(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
