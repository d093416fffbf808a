package org.cftrec.backbone.llama;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Opens a checkpoint folder in the Hugging Face layout: config.json, model.safetensors(.index.json), tokenizer.json. */
public final class LlamaLoader {
    private LlamaLoader() {
    }

    /** The metadata files {@link #open} reads: config.json, tokenizer.json and the shard index. */
    public static List<Path> metadataFiles(Path folder) {
        return List.of(folder.resolve("config.json"), folder.resolve("tokenizer.json"),
                folder.resolve(CheckpointLayout.INDEX_FILE));
    }

    /**
     * The weight files {@link #open} reads (the shards the index names, or model.safetensors); empty where the
     * layout is broken, which {@link #open} reports. Reads the index: confine it first.
     */
    public static List<Path> weightFiles(Path folder) {
        try {
            return CheckpointLayout.weightFiles(folder);
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * A weight with NaN or infinite values comes from a diverged run or a corrupt file; training from it or
     * evaluating it would only give NaN losses or nonsense rankings later, far from the cause.
     */
    private static void requireFinite(Path folder, String name, NDArray array) throws IOException {
        long count;
        // A scope: the masks are as large as the weight, and must not stay with the model's manager.
        try (NDScope ignored = new NDScope()) {
            count = array.isNaN().logicalOr(array.isInfinite()).toType(DataType.INT64, false).sum().getLong();
        }
        if (count > 0) {
            throw new IOException(folder + ": tensor " + name + " holds " + count + " NaN or infinite value(s)"
                    + " of " + array.size() + ": the checkpoint was saved from a diverged run or is corrupt; use"
                    + " an earlier checkpoint (checkpoints/best or last of a run that trained well)");
        }
    }

    public static LlamaConfig readConfig(Path folder) throws IOException {
        Path file = folder.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new IOException(folder + ": no config.json (expected a Hugging Face checkpoint folder)");
        }
        LlamaConfig config;
        try {
            ObjectMapper strict = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
            // 1.5 is not a layer count and -1 is not a boolean: no silent coercion of config values.
            strict.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
            config = strict.readValue(file.toFile(), LlamaConfig.class);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String field = e instanceof JsonMappingException m && !m.getPath().isEmpty()
                    ? " field '" + m.getPath().get(m.getPath().size() - 1).getFieldName() + "':" : "";
            throw new IOException(file + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr()) + ":"
                    + field + " " + e.getOriginalMessage(), e);
        }
        if (config == null) {
            throw new IOException(file + ": empty or null; expected a JSON object with the model's fields");
        }
        try {
            config.checkSupported();
            ModelSize.checkLoadable(config);
        } catch (IllegalArgumentException e) {
            throw new IOException(folder + "/" + e.getMessage(), e);
        }
        return config;
    }

    /** Values read into the JVM heap per block: the heap a load needs, whatever the size of the model. */
    static final long BLOCK_VALUES = 16L << 20;

    /**
     * One tensor into the engine. A large matrix (a 150k-token embedding is 545 MB) goes in blocks of rows into an
     * array allocated once, so the heap holds at most {@link #BLOCK_VALUES} values at a time: the JVM keeps heap it
     * once grew to, and that would stay resident beside the model for the whole run.
     */
    static NDArray load(NDManager manager, Safetensors.Stored tensor) throws IOException {
        long[] shape = tensor.shape();
        long values = 1;
        for (long d : shape) {
            values *= d;
        }
        if (values <= BLOCK_VALUES || shape.length != 2) {
            return manager.create(tensor.read(), new Shape(shape));
        }
        NDArray array = manager.zeros(new Shape(shape));
        long rowsPerBlock = Math.max(1, BLOCK_VALUES / shape[1]);
        for (long row = 0; row < shape[0]; row += rowsPerBlock) {
            long rows = Math.min(rowsPerBlock, shape[0] - row);
            try (NDArray block = manager.create(tensor.read(row * shape[1], rows * shape[1]), new Shape(rows, shape[1]))) {
                array.set(new NDIndex(row + ":" + (row + rows)), block);
            }
        }
        return array;
    }

    /**
     * @param dtype float32, or bfloat16 / float16 (GPU)
     */
    public static LlamaBackbone open(Path folder, Device device, DataType dtype) throws IOException {
        return open(folder, device, dtype, List.of(), null, 0);
    }

    /**
     * @param itemTokens    words to add to the tokenizer as new tokens (see {@link AddedTokens}); empty for none
     * @param workDirectory where the extended tokenizer.json is written (when there are item tokens)
     * @param seed          draws the new tokens' embedding rows
     */
    public static LlamaBackbone open(Path folder, Device device, DataType dtype, List<String> itemTokens,
                                     Path workDirectory, long seed) throws IOException {
        LlamaConfig config = readConfig(folder);
        Path tokenizerFile = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new IOException(folder + ": no tokenizer.json");
        }
        Map<String, Safetensors.Stored> tensors = CheckpointLayout.read(folder, config);
        AddedTokens added = null;
        if (!itemTokens.isEmpty()) {
            added = AddedTokens.write(tokenizerFile, itemTokens,
                    workDirectory.resolve("tokenizer-with-item-tokens").resolve("tokenizer.json"));
            tokenizerFile = added.tokenizerJson();
            config = config.withVocabSize(added.rowsNeeded(config.vocabSize()));
        }
        NDManager manager = NDManager.newBaseManager(device);
        try {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (Map.Entry<String, Safetensors.Stored> e : tensors.entrySet()) {
                NDArray array = load(manager, e.getValue());
                requireFinite(folder, e.getKey(), array);
                if (added != null && added.count() > 0 && (e.getKey().equals(LlamaBackbone.EMBEDDINGS)
                        || e.getKey().equals(CheckpointLayout.LM_HEAD))) {
                    array = added.initialiseRows(array, seed ^ e.getKey().hashCode());
                }
                weights.put(e.getKey(), dtype == DataType.FLOAT32 ? array : array.toType(dtype, false));
            }
            Integer eos = config.firstEosTokenId();
            if (eos == null) {
                throw new IOException(folder + "/config.json: eos_token_id is required (every target ends with EOS)");
            }
            long pad = config.padTokenId() != null ? config.padTokenId() : eos;
            HfTokenizer tokenizer = new HfTokenizer(tokenizerFile, eos, pad, config.vocabSize());
            return new LlamaBackbone(config, manager, weights, tokenizer, tokenizerFile);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
