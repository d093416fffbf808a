package org.cftrec.backbone.llama;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cftrec.api.AtomicFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Checkpoints of released models' exact shapes with random weights: the release's config.json fields, a real
 * tokenizer, and N(0, 0.02) matrices (norms 1, biases 0) in the Hugging Face layout. No weights can be fetched on
 * every machine; memory, speed and tokenization at real scale can still be measured and tested.
 */
public final class RealShapes {
    /** The config.json of each named release, as published (fields transformers writes, values unchanged). */
    static final Map<String, String> CONFIGS = new TreeMap<>(Map.of(
            "qwen2.5-0.5b", """
                    {"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
                     "eos_token_id": 151643, "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02,
                     "intermediate_size": 4864, "max_position_embeddings": 32768, "max_window_layers": 24,
                     "model_type": "qwen2", "num_attention_heads": 14, "num_hidden_layers": 24,
                     "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0,
                     "sliding_window": 32768, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
                     "transformers_version": "4.40.1", "use_cache": true, "use_sliding_window": false,
                     "vocab_size": 151936}"""));
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RealShapes() {
    }

    /**
     * Writes the checkpoint into {@code target} (which must not exist; written beside it and renamed into place).
     *
     * @param shape     a name of {@link #CONFIGS}
     * @param layers    fewer layers than the release (a reduced shape for tests), or 0 for the release's
     * @param tokenizer a folder with the release's tokenizer.json (and tokenizer_config.json, copied too)
     */
    public static void write(String shape, int layers, Path tokenizer, long seed, Path target) throws IOException {
        String config = CONFIGS.get(shape);
        if (config == null) {
            throw new IllegalArgumentException("unknown shape '" + shape + "'; known: " + String.join(", ", CONFIGS.keySet()));
        }
        ObjectNode fields = (ObjectNode) JSON.readTree(config);
        int released = fields.path("num_hidden_layers").asInt();
        if (layers < 0 || layers > released) {
            throw new IllegalArgumentException("--layers " + layers + ": " + shape + " has " + released
                    + " decoder layers; give 1.." + released + " for a reduced shape, or 0 for the release's");
        }
        if (!Files.isRegularFile(tokenizer.resolve("tokenizer.json"))) {
            throw new IOException(tokenizer + ": no tokenizer.json (the folder of the release's tokenizer)");
        }
        if (Files.exists(target)) {
            throw new IOException(target + ": already exists; choose a new folder");
        }
        if (layers > 0) {
            fields.put("num_hidden_layers", layers).put("max_window_layers", layers);
        }
        LlamaConfig parsed = JSON.treeToValue(fields, LlamaConfig.class);
        parsed.checkSupported();
        ModelSize.checkLoadable(parsed);
        Path temp = AtomicFiles.createTemporaryFolderBeside(target);
        try {
            Files.write(temp.resolve("config.json"), JSON.writeValueAsBytes(fields));
            for (String file : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
                Path source = tokenizer.resolve(file);
                if (Files.isRegularFile(source)) {
                    // Written, not copied: a copy would keep the source's mode (read-only in a shared folder).
                    AtomicFiles.write(temp.resolve(file), out -> Files.copy(source, out));
                }
            }
            try (OutputStream out = new java.io.BufferedOutputStream(
                    Files.newOutputStream(temp.resolve(CheckpointLayout.SINGLE_FILE)), 1 << 20)) {
                Map<String, long[]> shapes = CheckpointLayout.expected(parsed);
                // The tiny preset's initializer, each tensor from its own stream: the order of writing is free.
                Safetensors.writeF32(out, shapes, name -> TinyPreset.initial(name, shapes.get(name),
                        new SplittableRandom(seed ^ (name.hashCode() * 0x9E3779B97F4A7C15L))).values());
            }
            AtomicFiles.moveIntoPlace(temp, target);
        } finally {
            AtomicFiles.deleteRecursively(temp);
        }
    }
}
