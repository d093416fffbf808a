package org.cftrec.backbone.llama;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.cftrec.api.AtomicFiles;
import org.cftrec.djl.Djl;
import org.cftrec.djl.NDArrayFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The LoRA matrices of a model (PEFT semantics): for each targeted projection {@code prefix} (e.g.
 * {@code model.layers.0.self_attn.q_proj}) A = {@code prefix.lora_A.weight} [r, in] and B =
 * {@code prefix.lora_B.weight} [out, r]; the projection computes x W^T + scale (dropout(x) A^T) B^T. New
 * adapters start as PEFT's: A Kaiming-uniform (bound 1/sqrt(in)), B zero, so training starts from the base model.
 */
final class LoraAdapters {
    /** PEFT's key prefix in {@code adapter_model.safetensors}. */
    static final String PEFT_PREFIX = "base_model.model.";

    final LoraConfig config;
    /** Both matrices of every targeted projection, by parameter name, in layer order. */
    private final Map<String, NDArray> matrices;

    private LoraAdapters(LoraConfig config, Map<String, NDArray> matrices) {
        this.config = config;
        this.matrices = matrices;
    }

    /** New adapters for every targeted projection of {@code weights}, initialised from {@code seed}. */
    static LoraAdapters create(LoraConfig config, Map<String, NDArray> weights, int layers, NDManager manager,
                               long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, NDArray> matrices = new LinkedHashMap<>();
        for (int l = 0; l < layers; l++) {
            for (String module : config.targetModules()) {
                String prefix = prefix(l, module);
                Shape w = weights.get(prefix + ".weight").getShape();
                long out = w.get(0);
                long in = w.get(1);
                if (config.rank() > Math.min(in, out)) {
                    // A rank beyond the smaller side adds parameters, not expressiveness (and at millions, overflows).
                    throw new IllegalArgumentException("lora.rank " + config.rank() + " exceeds " + module + "'s smaller"
                            + " dimension (" + out + " x " + in + "); use at most " + Math.min(in, out)
                            + " (LoRA ranks are usually 4 to 64)");
                }
                float[] a = new float[Math.toIntExact(config.rank() * in)];
                double bound = 1 / Math.sqrt(in);
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                }
                matrices.put(prefix + ".lora_A.weight", kept(manager.create(a, new Shape(config.rank(), in))));
                matrices.put(prefix + ".lora_B.weight", kept(manager.zeros(new Shape(out, config.rank()))));
            }
        }
        return new LoraAdapters(config, matrices);
    }

    /** A PEFT adapter folder, checked against the model's projections (every matrix present, shapes right). */
    static LoraAdapters load(Path folder, Map<String, NDArray> weights, int layers, NDManager manager)
            throws IOException {
        LoraConfig config = LoraConfig.readPeft(folder);
        Path file = folder.resolve(LoraConfig.WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(folder + ": no " + LoraConfig.WEIGHTS_FILE);
        }
        Map<String, Safetensors.Stored> stored = Safetensors.index(file);
        Map<String, NDArray> matrices = new LinkedHashMap<>();
        for (int l = 0; l < layers; l++) {
            for (String module : config.targetModules()) {
                String prefix = prefix(l, module);
                Shape w = weights.get(prefix + ".weight").getShape();
                load(file, stored, prefix + ".lora_A.weight", new long[] {config.rank(), w.get(1)}, manager, matrices);
                load(file, stored, prefix + ".lora_B.weight", new long[] {w.get(0), config.rank()}, manager, matrices);
            }
        }
        if (stored.size() != matrices.size()) {
            throw new IOException(file + ": " + (stored.size() - matrices.size()) + " tensors that no targeted"
                    + " projection of this model has (target_modules " + config.targetModules() + ")");
        }
        return new LoraAdapters(config, matrices);
    }

    private static void load(Path file, Map<String, Safetensors.Stored> stored, String name, long[] shape,
                             NDManager manager, Map<String, NDArray> into) throws IOException {
        Safetensors.Stored tensor = stored.get(PEFT_PREFIX + name);
        if (tensor == null) {
            throw new IOException(file + ": missing " + PEFT_PREFIX + name);
        }
        if (!Arrays.equals(tensor.shape(), shape)) {
            throw new IOException(file + ": " + PEFT_PREFIX + name + " has shape " + Arrays.toString(tensor.shape())
                    + ", this model needs " + Arrays.toString(shape));
        }
        into.put(name, kept(manager.create(tensor.read(), new Shape(shape))));
    }

    static String prefix(int layer, String module) {
        String block = Set.of("gate_proj", "up_proj", "down_proj").contains(module) ? "mlp." : "self_attn.";
        return "model.layers." + layer + "." + block + module;
    }

    private static NDArray kept(NDArray array) {
        NDScope.unregister(array);
        return array;
    }

    /** The trainable matrices by name. */
    Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(matrices);
    }

    boolean targets(String prefix) {
        return matrices.containsKey(prefix + ".lora_A.weight");
    }

    /** scale (dropout(x) A^T) B^T for a targeted projection, in training (evaluation uses {@link #merged}). */
    NDArray delta(String prefix, NDArray x) {
        NDArray input = config.dropout() > 0
                ? Dropout.dropout(x, (float) config.dropout(), true).singletonOrThrow() : x;
        NDArray down = input.matMul(matrices.get(prefix + ".lora_A.weight").transpose());
        NDArray up = down.matMul(matrices.get(prefix + ".lora_B.weight").transpose());
        return up.mul(Djl.scalar(up, config.scale()));
    }

    /** W + scale B A: the projection's weight with the adapter merged in (differentiable in A and B). */
    NDArray merged(String prefix, NDArray weight) {
        NDArray product = matrices.get(prefix + ".lora_B.weight").matMul(matrices.get(prefix + ".lora_A.weight"));
        return weight.add(product.mul(Djl.scalar(product, config.scale())).toType(weight.getDataType(), false));
    }

    /** Writes {@code adapter_config.json} and {@code adapter_model.safetensors} (float32) in PEFT's layout. */
    void save(Path directory, String baseModel) throws IOException {
        Files.createDirectories(directory);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        AtomicFiles.write(directory.resolve(LoraConfig.CONFIG_FILE),
                json.writeValueAsBytes(config.toPeft(json, baseModel)));
        try (NDScope ignored = new NDScope()) { // the CPU float32 copies
            Map<String, NDArray> peft = new LinkedHashMap<>();
            matrices.forEach((name, m) -> peft.put(PEFT_PREFIX + name,
                    m.toDevice(Device.cpu(), false).toType(DataType.FLOAT32, false)));
            AtomicFiles.write(directory.resolve(LoraConfig.WEIGHTS_FILE), out -> NDArrayFiles.write(out, peft));
        }
    }

    /** The same adapters on another manager (a data-parallel replica), copied. */
    LoraAdapters copyTo(NDManager target) {
        Map<String, NDArray> copies = new LinkedHashMap<>();
        matrices.forEach((name, m) -> {
            NDArray copy = m.getDevice().equals(target.getDevice()) ? m.duplicate() : m.toDevice(target.getDevice(), false);
            NDScope.unregister(copy);
            copy.attach(target);
            copies.put(name, copy);
        });
        return new LoraAdapters(config, copies);
    }
}
