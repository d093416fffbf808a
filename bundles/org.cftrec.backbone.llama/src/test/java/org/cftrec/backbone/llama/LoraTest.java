package org.cftrec.backbone.llama;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cftrec.api.PluginContext;
import org.cftrec.api.model.BackboneRequest;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/**
 * LoRA as PEFT defines it: x W^T + (alpha / r) x A^T B^T on the targeted projections, only the adapters trained,
 * adapters saved and loaded in PEFT's layout, and the merged model equal to the adapted one. Checked against the
 * independent double-precision decoder run on weights merged in Java.
 */
public class LoraTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private static final long[][] TOKENS = {{3, 5, 7, 4, 9}, {0, 0, 6, 8, 4}};
    private static final long[][] MASK = {{1, 1, 1, 1, 1}, {0, 0, 1, 1, 1}};
    private static final long[][] POSITIONS = {{0, 1, 2, 3, 4}, {0, 0, 0, 1, 2}};
    static final LoraConfig CONFIG = new LoraConfig(3, 6, 0, List.of("q_proj", "v_proj", "down_proj"));

    private LlamaBackbone adapted(String name) throws Exception {
        LlamaBackbone model = TinyModels.create(folder.newFolder(name).toPath(), 7);
        LlamaBackboneTest.randomize(model, 11);
        model.useAdapters(LoraAdapters.create(CONFIG, model.allWeights(), model.config().layers(), model.manager(), 5));
        return model;
    }

    /** B is zero in new adapters (the base model unchanged); give it values so that the update shows. */
    static void randomizeB(LlamaBackbone model) {
        SplittableRandom random = new SplittableRandom(3);
        model.parameters().forEach((name, p) -> {
            if (name.endsWith("lora_B.weight")) {
                float[] v = new float[(int) p.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (random.nextDouble() - 0.5);
                }
                p.set(v);
            }
        });
    }

    private static float[] hidden(LlamaBackbone model, boolean training) {
        try (NDManager m = model.manager().newSubManager()) {
            return model.hiddenStates(m.create(TOKENS), m.create(POSITIONS), m.create(MASK), training).toFloatArray();
        }
    }

    /** W + scale B A in double precision, for every targeted projection. */
    private static Map<String, float[]> mergedInJava(LlamaBackbone model) {
        Map<String, float[]> weights = new LinkedHashMap<>();
        model.allWeights().forEach((name, w) -> weights.put(name, w.toFloatArray()));
        for (int l = 0; l < model.config().layers(); l++) {
            for (String module : CONFIG.targetModules()) {
                String prefix = LoraAdapters.prefix(l, module);
                NDArray a = model.parameters().get(prefix + ".lora_A.weight");
                NDArray b = model.parameters().get(prefix + ".lora_B.weight");
                int r = CONFIG.rank();
                int in = (int) a.getShape().get(1);
                int out = (int) b.getShape().get(0);
                float[] av = a.toFloatArray();
                float[] bv = b.toFloatArray();
                float[] w = weights.get(prefix + ".weight");
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        double sum = 0;
                        for (int k = 0; k < r; k++) {
                            sum += (double) bv[o * r + k] * av[k * in + i];
                        }
                        w[o * in + i] = (float) (w[o * in + i] + CONFIG.scale() * sum);
                    }
                }
            }
        }
        return weights;
    }

    @Test
    public void theAdaptedForwardEqualsTheMergedWeightsInAnIndependentDecoder() throws Exception {
        try (LlamaBackbone model = adapted("a")) {
            float[] base = hidden(model, false);
            randomizeB(model);
            float[] training = hidden(model, true);   // x W^T + scale x A^T B^T
            float[] merged = hidden(model, false);    // fused layout on W + scale B A
            assertArrayEquals(training, merged, 1e-4f);
            double[][] expected = new ReferenceDecoder(model.config(), mergedInJava(model)).hidden(new long[] {3, 5, 7, 4, 9});
            int h = model.config().hiddenSize();
            for (int t = 0; t < 5; t++) {
                for (int d = 0; d < h; d++) {
                    assertEquals("t " + t + " d " + d, expected[t][d], training[t * h + d], 1e-3);
                }
            }
            assertTrue("the update changes the output", Math.abs(base[0] - merged[0]) + Math.abs(base[7] - merged[7]) > 1e-4);
            // Decoding (KV cache) sees the adapters too: the prompt's last hidden state as in the full forward.
            try (NDManager m = model.manager().newSubManager();
                 var state = model.prefill(m.create(TOKENS), m.create(POSITIONS), m.create(MASK))) {
                float[] last = state.lastHidden().toFloatArray();
                for (int d = 0; d < h; d++) {
                    assertEquals("row 0 d " + d, training[4 * h + d], last[d], 1e-4);
                }
            }
        }
    }

    @Test
    public void onlyTheAdaptersAreTrainableAndNewOnesLeaveTheModelUnchanged() throws Exception {
        try (LlamaBackbone model = TinyModels.create(folder.newFolder("b").toPath(), 7)) {
            LlamaBackboneTest.randomize(model, 11);
            float[] before = hidden(model, false);
            model.useAdapters(LoraAdapters.create(CONFIG, model.allWeights(), 2, model.manager(), 5));
            assertArrayEquals(before, hidden(model, true), 1e-5f);
            assertEquals(2 * 2 * 3, model.parameters().size());
            assertTrue(model.parameters().keySet().stream().allMatch(n -> n.contains(".lora_")));
            model.parameters().values().forEach(p -> p.setRequiresGradient(true));
            try (NDManager m = model.manager().newSubManager();
                 GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = model.hiddenStates(m.create(TOKENS), m.create(POSITIONS), m.create(MASK), true);
                collector.backward(out.square().mean());
            }
            NDArray gradB = model.parameters().get("model.layers.1.mlp.down_proj.lora_B.weight").getGradient();
            assertTrue("B learns first (A's gradient is zero while B is)", gradB.abs().sum().getFloat() > 0);
            assertTrue("the base weights get no gradient", !model.allWeights().get("model.layers.1.mlp.down_proj.weight")
                    .hasGradient());
        }
    }

    @Test
    public void savedAdaptersFollowPeftAndLoadBackIntoTheSameModel() throws Exception {
        Path saved = folder.newFolder("saved").toPath();
        float[] adaptedHidden;
        Map<String, float[]> adapters = new HashMap<>();
        try (LlamaBackbone model = adapted("c")) {
            randomizeB(model);
            adaptedHidden = hidden(model, true);
            model.parameters().forEach((n, p) -> adapters.put(n, p.toFloatArray()));
            model.save(saved);
        }
        Path adapter = saved.resolve(LlamaBackbone.ADAPTER_FOLDER);
        JsonNode config = new ObjectMapper().readTree(adapter.resolve("adapter_config.json").toFile());
        assertEquals("LORA", config.path("peft_type").asText());
        assertEquals(3, config.path("r").asInt());
        assertEquals(6.0, config.path("lora_alpha").asDouble(), 0);
        assertEquals("[\"q_proj\",\"v_proj\",\"down_proj\"]", config.path("target_modules").toString());
        Map<String, Safetensors.Stored> stored = Safetensors.index(adapter.resolve("adapter_model.safetensors"));
        assertEquals(12, stored.size());
        assertArrayEquals(new long[] {3, 16}, stored.get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape());

        // The merged model is a plain checkpoint: without adapters it computes what the adapted model computed.
        try (LlamaBackbone merged = LlamaLoader.open(saved, Device.cpu(), DataType.FLOAT32)) {
            assertArrayEquals(adaptedHidden, hidden(merged, false), 1e-4f);
        }
        // The adapter loads onto the base (its folder under the data root) through the plugin's parameters.
        Path data = folder.getRoot().toPath();
        LlamaBackboneProvider.Params params = new LlamaBackboneProvider.Params(null, "c", null, null, null, null, null,
                null, null, null, new LlamaBackboneProvider.Lora(null, null, null, null, "saved/adapter"), null);
        try (var loaded = (LlamaBackbone) new LlamaBackboneProvider().bind(params).open(new BackboneRequest("cpu", List.of(), new PluginContext(1, data, folder.newFolder("work").toPath())))) {
            assertEquals(adapters.keySet(), loaded.parameters().keySet());
            adapters.forEach((n, v) -> assertArrayEquals(n, v, loaded.parameters().get(n).toFloatArray(), 0f));
        }
    }

    @Test
    public void badAdaptersAndSettingsAreRefusedByName() throws Exception {
        Path adapter = folder.newFolder("bad").toPath();
        try (LlamaBackbone model = adapted("d")) {
            model.adapters().save(adapter, "d");
            Files.writeString(adapter.resolve("adapter_config.json"), Files.readString(adapter.resolve(
                    "adapter_config.json")).replace("\"r\" : 3", "\"r\" : 4"));
            Exception e = assertThrows(Exception.class,
                    () -> LoraAdapters.load(adapter, model.allWeights(), 2, model.manager()));
            assertTrue(e.getMessage(), e.getMessage().contains("lora_A.weight has shape [3, 16], this model needs [4, 16]"));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LoraConfig(8, 16, 0, List.of("qkv")));
        assertTrue(e.getMessage(), e.getMessage().contains("valid: [q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj]"));
        try (LlamaBackbone model = TinyModels.create(folder.newFolder("rank").toPath(), 7)) {
            IllegalArgumentException huge = assertThrows(IllegalArgumentException.class, () -> LoraAdapters.create(
                    new LoraConfig(1 << 30, 16, 0, List.of("q_proj")), model.allWeights(), 2, model.manager(), 5));
            assertEquals("lora.rank 1073741824 exceeds q_proj's smaller dimension (16 x 16); use at most 16 (LoRA"
                    + " ranks are usually 4 to 64)", huge.getMessage());
        }
        LlamaConfig tied = new ObjectMapper().readValue(RealShapes.CONFIGS.get("qwen2.5-0.5b"), LlamaConfig.class);
        assertTrue(tied.tieWordEmbeddings());
        e = assertThrows(IllegalArgumentException.class,
                () -> LlamaBackboneProvider.frozenWeights(List.of("head"), tied));
        assertTrue(e.getMessage(), e.getMessage().contains("freeze both"));
        assertEquals(java.util.Set.of("model.embed_tokens.weight"),
                LlamaBackboneProvider.frozenWeights(List.of("embeddings", "head"), tied));
    }

    @Test
    public void frozenEmbeddingsAreLeftOutOfTraining() throws Exception {
        try (LlamaBackbone model = TinyModels.create(folder.newFolder("f").toPath(), 7)) {
            int all = model.parameters().size();
            model.freeze(LlamaBackboneProvider.frozenWeights(List.of("embeddings", "head"), model.config()));
            assertTrue(!model.parameters().containsKey("model.embed_tokens.weight"));
            assertEquals(all - (model.config().tieWordEmbeddings() ? 1 : 2), model.parameters().size());
        }
    }
}
