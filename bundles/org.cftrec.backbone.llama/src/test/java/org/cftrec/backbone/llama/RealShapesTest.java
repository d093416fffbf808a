package org.cftrec.backbone.llama;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/** A reduced Qwen2.5-0.5B (2 layers, the full 151,936-token vocabulary) with the real Qwen tokenizer. */
public class RealShapesTest {
    /** The shared tokenizers, beside the project root (absent on machines without ../shared). */
    static final Path QWEN_TOKENIZER = Path.of("../../../shared/tokenizers/qwen3");

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void aReducedQwenShapeLoadsWithTheReleaseConfigAndTokenizer() throws Exception {
        Assume.assumeTrue("../shared/tokenizers/qwen3 is not on this machine", Files.isDirectory(QWEN_TOKENIZER));
        Path target = tmp.getRoot().toPath().resolve("qwen-2l");
        RealShapes.write("qwen2.5-0.5b", 2, QWEN_TOKENIZER, 3, target);
        JsonNode config = new ObjectMapper().readTree(target.resolve("config.json").toFile());
        assertEquals(151936, config.path("vocab_size").asInt());
        assertFalse(config.path("use_sliding_window").asBoolean());
        assertEquals(2, config.path("num_hidden_layers").asInt());
        assertEquals(1_000_000.0, config.path("rope_theta").asDouble(), 0);
        try (LlamaBackbone model = LlamaLoader.open(target, Device.cpu(), DataType.FLOAT32)) {
            assertEquals(136_134_656L + 2 * 14_912_384L + 896, model.shape().parameterCount());
            assertEquals(151643, model.tokenizer().eosTokenId());
            float[] norm = model.parameters().get("model.layers.1.post_attention_layernorm.weight").toFloatArray();
            assertEquals(1f, norm[0], 0f);
            float[] q = model.parameters().get("model.layers.0.self_attn.q_proj.weight").toFloatArray();
            double sum = 0;
            double squares = 0;
            for (float v : q) {
                sum += v;
                squares += v * v;
            }
            assertEquals("mean of N(0, 0.02)", 0, sum / q.length, 1e-4);
            assertEquals("std of N(0, 0.02)", 0.02, Math.sqrt(squares / q.length), 2e-4);
            String title = "\"The Shawshank Redemption (1994)\"";
            assertEquals(title, model.tokenizer().decode(model.tokenizer().encode(title)));
        }
        assertThrows(IOException.class, () -> RealShapes.write("qwen2.5-0.5b", 2, QWEN_TOKENIZER, 3, target));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RealShapes.write("gpt-5", 0, QWEN_TOKENIZER, 3,
                tmp.getRoot().toPath().resolve("x"))).getMessage().contains("known: qwen2.5-0.5b"));
    }

    @Test
    public void layerCountsOutsideTheReleaseAreRefusedBeforeAnythingIsWritten() {
        Path target = tmp.getRoot().toPath().resolve("never");
        for (int layers : new int[] {-5, 25, Integer.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RealShapes.write("qwen2.5-0.5b", layers, tmp.getRoot().toPath(), 1, target));
            assertEquals("--layers " + layers + ": qwen2.5-0.5b has 24 decoder layers; give 1..24 for a reduced"
                    + " shape, or 0 for the release's", e.getMessage());
            assertFalse(Files.exists(target));
        }
    }
}
