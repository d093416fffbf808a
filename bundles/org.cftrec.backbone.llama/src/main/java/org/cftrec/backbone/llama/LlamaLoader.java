package org.cftrec.backbone.llama;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
import java.util.Map;

/** Opens a checkpoint folder in the Hugging Face layout: config.json, model.safetensors(.index.json), tokenizer.json. */
public final class LlamaLoader {
    private LlamaLoader() {
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

    /**
     * @param dtype float32, or bfloat16 / float16 (GPU)
     */
    public static LlamaBackbone open(Path folder, Device device, DataType dtype) throws IOException {
        LlamaConfig config = readConfig(folder);
        Path tokenizerFile = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new IOException(folder + ": no tokenizer.json");
        }
        Map<String, Safetensors.Stored> tensors = CheckpointLayout.read(folder, config);
        NDManager manager = NDManager.newBaseManager(device);
        try {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (Map.Entry<String, Safetensors.Stored> e : tensors.entrySet()) {
                // One tensor's float[] at a time on the heap: loading needs the largest tensor, not the model.
                NDArray array = manager.create(e.getValue().read(), new Shape(e.getValue().shape()));
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
