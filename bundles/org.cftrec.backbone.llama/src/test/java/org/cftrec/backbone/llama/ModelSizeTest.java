package org.cftrec.backbone.llama;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.Test;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/** Model sizes are known and bounded from config.json alone, before anything is allocated. */
public class ModelSizeTest {
    /** The fields of Qwen2.5-0.5B's released config.json that decide its size. */
    static final String QWEN25_05B = "{\"model_type\": \"qwen2\", \"vocab_size\": 151936, \"hidden_size\": 896,"
            + " \"num_hidden_layers\": 24, \"num_attention_heads\": 14, \"num_key_value_heads\": 2,"
            + " \"intermediate_size\": 4864, \"tie_word_embeddings\": true, \"eos_token_id\": 151643}";

    static LlamaConfig config(String json) throws Exception {
        return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .readValue(json, LlamaConfig.class);
    }

    @Test
    public void qwen25HalfBillionHasItsPublishedParameterCount() throws Exception {
        // 494,032,768: the count Hugging Face reports for Qwen/Qwen2.5-0.5B.
        assertEquals(494_032_768L, ModelSize.parameters(config(QWEN25_05B)));
    }

    @Test
    public void theCountIsTheSumOfTheTensorsTheCheckpointMustHold() throws Exception {
        LlamaConfig c = config(QWEN25_05B.replace("151936", "1000").replace("\"num_hidden_layers\": 24",
                "\"num_hidden_layers\": 3").replace("true", "false"));
        long sum = 0;
        for (long[] shape : CheckpointLayout.expected(c).values()) {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            sum += n;
        }
        assertEquals(sum, ModelSize.parameters(c));
    }

    @Test
    public void aMillionLayersAreRefusedAtOnceWithTheSizeAndTheMemory() throws Exception {
        LlamaConfig c = config(QWEN25_05B.replace("\"num_hidden_layers\": 24", "\"num_hidden_layers\": 1000000"));
        long started = System.nanoTime();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelSize.checkLoadable(c, 8L << 30, 24L << 30));
        assertTrue("took " + (System.nanoTime() - started) / 1e6 + " ms", System.nanoTime() - started < 1e9);
        assertTrue(e.getMessage(), e.getMessage().startsWith("config.json: the model has 14,912,520,135,552 parameters"));
        assertTrue(e.getMessage(), e.getMessage().contains("more than this machine's memory (25.8 GB)"));
    }

    @Test
    public void aTensorLargerThanAnArrayIsRefusedWithoutIntegerOverflow() throws Exception {
        LlamaConfig c = config(QWEN25_05B.replace("\"hidden_size\": 896", "\"hidden_size\": 65536")
                .replace("4864", "262144").replace("\"num_attention_heads\": 14", "\"num_attention_heads\": 16"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelSize.checkLoadable(c, Long.MAX_VALUE, Long.MAX_VALUE));
        assertTrue(e.getMessage(), e.getMessage().contains("vocab_size x hidden_size = 9,957,277,696 elements"));
    }

    @Test
    public void aTensorLargerThanTheHeapAllowsNamesTheOptionThatFixesIt() throws Exception {
        // 151,936 x 896 embeddings: 0.54 GB as float32; the whole model (2.0 GB) need not fit the heap.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelSize.checkLoadable(config(QWEN25_05B), 1L << 30, 24L << 30));
        assertTrue(e.getMessage(), e.getMessage().contains("the largest tensor (vocab_size x hidden_size, 0.5 GB as"
                + " float32) needs more than half the runtime's Java heap (1.1 GB)"));
        assertTrue(e.getMessage(), e.getMessage().endsWith("EXTRA_JAVA_OPTS=-Xmx2g"));
        ModelSize.checkLoadable(config(QWEN25_05B), 3L << 29, 24L << 30); // 1.5 GB heap: fits, no exception
    }

    @Test
    public void overflowingCountsAreNamed() throws Exception {
        LlamaConfig c = config(QWEN25_05B.replace("\"num_hidden_layers\": 24", "\"num_hidden_layers\": 2147483647")
                .replace("\"intermediate_size\": 4864", "\"intermediate_size\": 2147483647"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelSize.parameters(c));
        assertTrue(e.getMessage(), e.getMessage().startsWith("config.json: the model's parameter count overflows"));
    }
}
