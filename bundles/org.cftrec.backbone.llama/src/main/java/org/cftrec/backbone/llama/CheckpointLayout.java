package org.cftrec.backbone.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tensors a config implies, by Hugging Face name and shape, and the reading of a checkpoint folder
 * (one {@code model.safetensors} or a sharded {@code model.safetensors.index.json}) against them.
 */
public final class CheckpointLayout {
    static final String SINGLE_FILE = "model.safetensors";
    static final String INDEX_FILE = "model.safetensors.index.json";
    static final String LM_HEAD = "lm_head.weight";

    private CheckpointLayout() {
    }

    /** Expected tensors in canonical order: embeddings, layers, final norm, untied head. */
    public static Map<String, long[]> expected(LlamaConfig c) {
        long h = c.hiddenSize();
        long q = (long) c.heads() * c.headSize();
        long kv = (long) c.kvHeads() * c.headSize();
        long i = c.intermediateSize();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
        for (int l = 0; l < c.layers(); l++) {
            String p = "model.layers." + l + ".";
            shapes.put(p + "input_layernorm.weight", new long[] {h});
            shapes.put(p + "self_attn.q_proj.weight", new long[] {q, h});
            shapes.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
            shapes.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            if (c.attentionBias()) {
                shapes.put(p + "self_attn.q_proj.bias", new long[] {q});
                shapes.put(p + "self_attn.k_proj.bias", new long[] {kv});
                shapes.put(p + "self_attn.v_proj.bias", new long[] {kv});
            }
            shapes.put(p + "self_attn.o_proj.weight", new long[] {h, q});
            shapes.put(p + "post_attention_layernorm.weight", new long[] {h});
            shapes.put(p + "mlp.gate_proj.weight", new long[] {i, h});
            shapes.put(p + "mlp.up_proj.weight", new long[] {i, h});
            shapes.put(p + "mlp.down_proj.weight", new long[] {h, i});
        }
        shapes.put("model.norm.weight", new long[] {h});
        if (!c.tieWordEmbeddings()) {
            shapes.put(LM_HEAD, new long[] {c.vocabSize(), h});
        }
        return shapes;
    }

    /**
     * Finds every expected tensor (headers only; the data is read by the caller, one tensor at a time); a
     * missing, unexpected or mis-shaped tensor is an error naming it.
     * A tied model may still carry {@code lm_head.weight}: it is ignored.
     */
    public static Map<String, Safetensors.Stored> read(Path folder, LlamaConfig config) throws IOException {
        Map<String, Safetensors.Stored> found = new LinkedHashMap<>();
        Map<String, Path> origin = new LinkedHashMap<>();
        for (Path file : weightFiles(folder)) {
            for (Map.Entry<String, Safetensors.Stored> e : Safetensors.index(file).entrySet()) {
                found.put(e.getKey(), e.getValue());
                origin.put(e.getKey(), file);
            }
        }
        Map<String, long[]> expected = expected(config);
        Set<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(found.keySet());
        if (!missing.isEmpty()) {
            throw new IOException(folder + ": checkpoint lacks tensor(s) " + String.join(", ", first(missing)));
        }
        Set<String> extra = new TreeSet<>(found.keySet());
        extra.removeAll(expected.keySet());
        if (config.tieWordEmbeddings()) {
            extra.remove(LM_HEAD);
        }
        if (!extra.isEmpty()) {
            throw new IOException(folder + ": checkpoint has tensor(s) the config does not explain: "
                    + String.join(", ", first(extra)));
        }
        Map<String, Safetensors.Stored> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            Safetensors.Stored tensor = found.get(e.getKey());
            if (!Arrays.equals(tensor.shape(), e.getValue())) {
                throw new IOException(origin.get(e.getKey()) + ": tensor " + e.getKey() + " has shape "
                        + Arrays.toString(tensor.shape()) + ", config.json implies " + Arrays.toString(e.getValue()));
            }
            ordered.put(e.getKey(), tensor);
        }
        return ordered;
    }

    /** The weight files of the folder: the shards that the index names, or model.safetensors. */
    static List<Path> weightFiles(Path folder) throws IOException {
        Path index = folder.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            JsonNode weightMap = new ObjectMapper().readTree(index.toFile()).path("weight_map");
            if (!weightMap.isObject()) {
                throw new IOException(index + ": no weight_map object");
            }
            Set<Path> shards = new LinkedHashSet<>();
            for (Iterator<JsonNode> it = weightMap.elements(); it.hasNext(); ) {
                Path shard = folder.resolve(it.next().asText()).normalize();
                if (!shard.startsWith(folder.normalize()) || !Files.isRegularFile(shard)) {
                    throw new IOException(index + ": shard " + shard.getFileName() + " is missing");
                }
                shards.add(shard);
            }
            return new ArrayList<>(shards);
        }
        Path single = folder.resolve(SINGLE_FILE);
        if (!Files.isRegularFile(single)) {
            throw new IOException(folder + ": no " + SINGLE_FILE + " or " + INDEX_FILE);
        }
        return List.of(single);
    }

    private static List<String> first(Set<String> names) {
        List<String> list = new ArrayList<>(names);
        return list.size() <= 5 ? list : List.of(list.get(0), list.get(1), list.get(2), list.get(3), list.get(4),
                "... (" + list.size() + " in all)");
    }
}
