package org.cftrec.backbone.llama;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/**
 * Checkpoints written by the test in the Hugging Face layout: a Qwen2-style config (q/k/v biases, untied head,
 * grouped-query attention) with BF16 tensors split over two shards, and each kind of broken checkpoint.
 */
public class CheckpointTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private static final String CONFIG = "{\"architectures\": [\"Qwen2ForCausalLM\"], \"model_type\": \"qwen2\","
            + " \"vocab_size\": 12, \"hidden_size\": 8, \"num_hidden_layers\": 1, \"num_attention_heads\": 2,"
            + " \"num_key_value_heads\": 1, \"intermediate_size\": 12, \"rms_norm_eps\": 1e-6, \"rope_theta\": 1000000.0,"
            + " \"max_position_embeddings\": 512, \"tie_word_embeddings\": false, \"hidden_act\": \"silu\","
            + " \"eos_token_id\": 2, \"use_sliding_window\": false, \"sliding_window\": 4096,"
            + " \"initializer_range\": 0.02, \"transformers_version\": \"4.45.0\"}";
    private static final String TOKENIZER = "{\"version\":\"1.0\",\"model\":{\"type\":\"WordLevel\",\"vocab\":"
            + "{\"<pad>\":0,\"<unk>\":1,\"<eos>\":2,\"a\":3,\"b\":4},\"unk_token\":\"<unk>\"},"
            + "\"pre_tokenizer\":{\"type\":\"Whitespace\"}}";

    @Test
    public void bf16TwoShardQwen2CheckpointLoadsByName() throws Exception {
        Path dir = folder.newFolder("qwen").toPath();
        Map<String, float[]> values = write(dir, CONFIG, null, null, null);
        try (LlamaBackbone model = LlamaLoader.open(dir, Device.cpu(), DataType.FLOAT32)) {
            assertEquals(values.keySet(), model.parameters().keySet());
            for (Map.Entry<String, float[]> e : values.entrySet()) {
                assertArrayEquals(e.getKey(), e.getValue(), model.parameters().get(e.getKey()).toFloatArray(), 0f);
            }
            assertTrue(model.parameters().containsKey("model.layers.0.self_attn.q_proj.bias"));
            assertTrue(model.parameters().containsKey("lm_head.weight"));
            // The biased, grouped, untied model still computes what the plain reference computes.
            long[] tokens = {3, 4, 5, 6};
            double[][] expected = new ReferenceDecoder(model.config(), values).hidden(tokens);
            try (NDManager m = model.manager().newSubManager()) {
                NDArray hidden = model.hiddenStates(m.create(new long[][] {tokens}),
                        m.create(new long[][] {{0, 1, 2, 3}}), m.create(new long[][] {{1, 1, 1, 1}}), false);
                float[] actual = hidden.toFloatArray();
                for (int i = 0; i < tokens.length; i++) {
                    for (int j = 0; j < 8; j++) {
                        assertEquals(expected[i][j], actual[i * 8 + j], 1e-4);
                    }
                }
            }
            assertEquals(2, model.tokenizer().eosTokenId());
        }
    }

    @Test
    public void aCheckpointWithNaNWeightsIsRefusedOnLoadNamingTheTensor() throws Exception {
        Path saved = folder.newFolder("diverged").toPath();
        try (LlamaBackbone model = TinyModels.create(folder.newFolder("tiny").toPath(), 3)) {
            NDArray norm = model.parameters().get("model.layers.1.input_layernorm.weight");
            float[] values = norm.toFloatArray();
            values[2] = Float.NaN;
            values[5] = Float.POSITIVE_INFINITY;
            norm.set(values);
            model.save(saved);
        }
        IOException e = assertThrows(IOException.class, () -> LlamaLoader.open(saved, Device.cpu(), DataType.FLOAT32));
        assertEquals(saved + ": tensor model.layers.1.input_layernorm.weight holds 2 NaN or infinite value(s) of 16:"
                + " the checkpoint was saved from a diverged run or is corrupt; use an earlier checkpoint"
                + " (checkpoints/best or last of a run that trained well)", e.getMessage());
    }

    @Test
    public void missingTensorIsNamed() throws Exception {
        Path dir = folder.newFolder("missing").toPath();
        write(dir, CONFIG, "model.norm.weight", null, null);
        IOException e = assertThrows(IOException.class, () -> LlamaLoader.open(dir, Device.cpu(), DataType.FLOAT32));
        assertTrue(e.getMessage(), e.getMessage().endsWith("checkpoint lacks tensor(s) model.norm.weight"));
    }

    @Test
    public void extraTensorIsNamed() throws Exception {
        Path dir = folder.newFolder("extra").toPath();
        write(dir, CONFIG, null, "model.layers.0.self_attn.rotary_emb.inv_freq", null);
        IOException e = assertThrows(IOException.class, () -> LlamaLoader.open(dir, Device.cpu(), DataType.FLOAT32));
        assertTrue(e.getMessage(), e.getMessage().endsWith(
                "checkpoint has tensor(s) the config does not explain: model.layers.0.self_attn.rotary_emb.inv_freq"));
    }

    @Test
    public void misShapedTensorIsNamedWithBothShapes() throws Exception {
        Path dir = folder.newFolder("shape").toPath();
        write(dir, CONFIG, null, null, "model.layers.0.mlp.up_proj.weight");
        IOException e = assertThrows(IOException.class, () -> LlamaLoader.open(dir, Device.cpu(), DataType.FLOAT32));
        assertTrue(e.getMessage(), e.getMessage().contains(
                "tensor model.layers.0.mlp.up_proj.weight has shape [12, 7], config.json implies [12, 8]"));
    }

    @Test
    public void unsupportedConfigNamesTheField() throws Exception {
        Path dir = folder.newFolder("rope").toPath();
        write(dir, CONFIG.replace("\"hidden_act\": \"silu\"", "\"hidden_act\": \"silu\", \"rope_scaling\": {\"type\": \"yarn\"}"),
                null, null, null);
        IOException e = assertThrows(IOException.class, () -> LlamaLoader.readConfig(dir));
        assertTrue(e.getMessage(), e.getMessage().contains("config.json: rope_scaling {\"type\":\"yarn\"} is not supported"));
        Path sliding = folder.newFolder("sliding").toPath();
        write(sliding, CONFIG.replace("\"use_sliding_window\": false", "\"use_sliding_window\": true"), null, null, null);
        assertTrue(assertThrows(IOException.class, () -> LlamaLoader.readConfig(sliding)).getMessage()
                .contains("use_sliding_window true is not supported"));
    }

    @Test
    public void missingShardIsNamed() throws Exception {
        Path dir = folder.newFolder("shard").toPath();
        write(dir, CONFIG, null, null, null);
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        IOException e = assertThrows(IOException.class, () -> LlamaLoader.open(dir, Device.cpu(), DataType.FLOAT32));
        assertTrue(e.getMessage(), e.getMessage().contains("shard model-00002-of-00002.safetensors is missing"));
    }

    @Test
    public void halfPrecisionConversionIsExact() {
        assertEquals(1.0f, Safetensors.halfToFloat((short) 0x3c00), 0f);
        assertEquals(-2.0f, Safetensors.halfToFloat((short) 0xc000), 0f);
        assertEquals(65504f, Safetensors.halfToFloat((short) 0x7bff), 0f);
        assertEquals((float) Math.pow(2, -24), Safetensors.halfToFloat((short) 0x0001), 0f);
        assertTrue(Float.isInfinite(Safetensors.halfToFloat((short) 0x7c00)));
    }

    /**
     * Writes config, tokenizer and BF16 tensors over two shards with an index; returns the values as they
     * must load (BF16-rounded). Optionally drops a tensor, adds an unexpected one, or mis-shapes one.
     */
    private static Map<String, float[]> write(Path dir, String config, String drop, String add, String misShape)
            throws IOException {
        Files.writeString(dir.resolve("config.json"), config);
        Files.writeString(dir.resolve("tokenizer.json"), TOKENIZER);
        LlamaConfig parsed = new com.fasterxml.jackson.databind.ObjectMapper()
                .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .readValue(CONFIG, LlamaConfig.class);
        Map<String, long[]> shapes = new LinkedHashMap<>(CheckpointLayout.expected(parsed));
        if (drop != null) {
            shapes.remove(drop);
        }
        if (add != null) {
            shapes.put(add, new long[] {2});
        }
        if (misShape != null) {
            shapes.put(misShape, new long[] {12, 7});
        }
        SplittableRandom random = new SplittableRandom(3);
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, short[]> bf16 = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            int n = 1;
            for (long d : e.getValue()) {
                n *= (int) d;
            }
            short[] raw = new short[n];
            float[] exact = new float[n];
            for (int i = 0; i < n; i++) {
                float v = (float) (random.nextDouble() - 0.5);
                raw[i] = (short) (Float.floatToIntBits(v) >>> 16);
                exact[i] = Float.intBitsToFloat((raw[i] & 0xffff) << 16);
            }
            values.put(e.getKey(), exact);
            bf16.put(e.getKey(), raw);
        }
        List<String> names = new ArrayList<>(shapes.keySet());
        int half = names.size() / 2;
        StringBuilder index = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
        for (int s = 0; s < 2; s++) {
            String file = "model-0000" + (s + 1) + "-of-00002.safetensors";
            List<String> part = s == 0 ? names.subList(0, half) : names.subList(half, names.size());
            try (OutputStream out = Files.newOutputStream(dir.resolve(file))) {
                writeBf16(out, part, shapes, bf16);
            }
            for (String name : part) {
                index.append(index.charAt(index.length() - 1) == '{' ? "" : ", ")
                        .append('"').append(name).append("\": \"").append(file).append('"');
            }
        }
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.append("}}").toString());
        return values;
    }

    private static void writeBf16(OutputStream out, List<String> names, Map<String, long[]> shapes,
                                  Map<String, short[]> data) throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (String name : names) {
            long bytes = 2L * data.get(name).length;
            header.append(header.length() == 1 ? "" : ",").append('"').append(name).append("\":{\"dtype\":\"BF16\",\"shape\":")
                    .append(java.util.Arrays.toString(shapes.get(name)).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        byte[] json = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate((int) (8 + json.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(json.length).put(json);
        for (String name : names) {
            for (short v : data.get(name)) {
                buffer.putShort(v);
            }
        }
        out.write(buffer.array());
    }

    @Test
    public void largeMatricesLoadInBlocksToTheSameValues() throws Exception {
        long rows = LlamaLoader.BLOCK_VALUES / 8 * 3 + 5; // three full blocks of 8-wide rows and a partial one
        float[] values = new float[(int) (rows * 8)];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 9973 - 4986.5f;
        }
        Path file = folder.newFile("big.safetensors").toPath();
        try (OutputStream out = Files.newOutputStream(file)) {
            Safetensors.writeF32(out, Map.of("w", new Safetensors.Tensor("F32", new long[] {rows, 8}, values)));
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
             NDArray loaded = LlamaLoader.load(manager, Safetensors.index(file).get("w"))) {
            assertArrayEquals(new long[] {rows, 8}, loaded.getShape().getShape());
            assertArrayEquals(values, loaded.toFloatArray(), 0f);
        }
    }
}
