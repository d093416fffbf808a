package org.cftrec.backbone.llama;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import org.cftrec.api.PluginContext;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.model.BackboneRequest;
import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/**
 * Semantic-ID codes added to the two real tokenizer families (../shared/tokenizers) and to a reduced
 * Qwen2.5-0.5B checkpoint: each code is one new token wherever it stands, and the embedding grows only when the
 * new ids go beyond the checkpoint's padded vocabulary.
 */
public class AddedTokensTest {
    private static final Path TOKENIZERS = Path.of("../../../shared/tokenizers");
    /** How a prompt of the alpaca template lists items and how the response starts. */
    private static final String PROMPT = "The user has interacted with the following movies before: \"a11 b26 c29\","
            + " \"a0 b10 c31\"\n\n### Response:\n";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void everyCodeIsOneNewTokenInQwenAndLlamaTokenizers() throws Exception {
        Assume.assumeTrue("../shared/tokenizers is not on this machine", Files.isDirectory(TOKENIZERS));
        List<String> words = codes(3, 32);
        for (String family : List.of("qwen3", "llama2")) {
            Path extended = tmp.getRoot().toPath().resolve(family).resolve("tokenizer.json");
            AddedTokens added = AddedTokens.write(TOKENIZERS.resolve(family).resolve("tokenizer.json"), words, extended);
            assertEquals(family, 96, added.count());
            assertEquals(family, family.equals("qwen3") ? 151669 : 32000, added.firstId());
            try (HfTokenizer tokenizer = new HfTokenizer(extended, 0, 0, added.rowsNeeded(0))) {
                assertArrayEquals(family, ids(added, words, "a3", "b17", "c0"), tokenizer.encode("a3 b17 c0"));
                assertArrayEquals(family, ids(added, words, "a31"), tokenizer.encode("a31")); // not a3 + 1
                long[] target = tokenizer.encodeContinuation(PROMPT, "\"a0 b10 c31\"");
                long[] code = ids(added, words, "a0", "b10", "c31");
                assertTrue(family + ": " + Arrays.toString(target), indexOf(target, code) >= 0);
                long[] prompt = tokenizer.encode(PROMPT);
                assertTrue(family, indexOf(prompt, ids(added, words, "a11", "b26", "c29")) >= 0);
                assertEquals(family, "The user", tokenizer.decode(tokenizer.encode("The user"))); // text unchanged
            }
            // Words that are added tokens already are not added twice (a saved checkpoint reopened).
            assertEquals(0, AddedTokens.write(extended, words, extended.resolveSibling("again.json")).count());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AddedTokens.write(
                TOKENIZERS.resolve("qwen3/tokenizer.json"), List.of("a3 b1"), tmp.newFile("x.json").toPath()))
                .getMessage().contains("'a3 b1' is not one word"));
    }

    @Test
    public void theEmbeddingGrowsOnlyBeyondThePaddedVocabularyAndTheModelSavesWithItsTokens() throws Exception {
        Assume.assumeTrue("../shared/tokenizers is not on this machine", Files.isDirectory(TOKENIZERS));
        Path checkpoint = tmp.getRoot().toPath().resolve("qwen-1l");
        RealShapes.write("qwen2.5-0.5b", 1, TOKENIZERS.resolve("qwen3"), 3, checkpoint);
        Path work = tmp.newFolder("work").toPath();
        // 3 x 32 codes fit in the 267 rows Qwen pads its 151,669 tokens with: no new rows
        float[] lastOldRow;
        try (LlamaBackbone model = LlamaLoader.open(checkpoint, Device.cpu(), DataType.FLOAT32, codes(3, 32), work, 1)) {
            assertEquals(151936, model.shape().vocabularySize());
            checkNewRows(model, 151669, 96);
            lastOldRow = row(model, 151668);
        }
        // 4 x 100 codes do not: 151,669 + 400 rows, the old ones unchanged
        List<String> many = codes(4, 100);
        Path saved = tmp.getRoot().toPath().resolve("saved");
        try (LlamaBackbone model = LlamaLoader.open(checkpoint, Device.cpu(), DataType.FLOAT32, many, work, 1)) {
            assertEquals(152069, model.shape().vocabularySize());
            checkNewRows(model, 151669, 400);
            assertArrayEquals(lastOldRow, row(model, 151668), 0f);
            model.save(saved);
        }
        try (LlamaBackbone reopened = LlamaLoader.open(saved, Device.cpu(), DataType.FLOAT32)) {
            assertEquals(152069, reopened.shape().vocabularySize());
            assertArrayEquals(new long[] {151669 + many.indexOf("d99")}, reopened.tokenizer().encode("d99"));
        }
    }

    @Test
    public void aCheckpointGrowsByTheItemTokensAndRefusesAdaptersThatWouldFreezeThem() throws Exception {
        Path data = tmp.getRoot().toPath();
        TinyPreset.create(data.resolve("c"), TinyModels.CORPUS, 5, new TinyPreset.Sizes(2, 16, 4, 2, 24, 1000));
        int rows;
        try (LlamaBackbone plain = LlamaLoader.open(data.resolve("c"), Device.cpu(), DataType.FLOAT32)) {
            rows = plain.shape().vocabularySize();
        }
        BackboneRequest request = new BackboneRequest("cpu", List.of(), List.of("a0", "a1", "b0"),
                new PluginContext(1, data, tmp.newFolder("work").toPath()));
        try (Backbone grown = new LlamaBackboneProvider().bind(params(null, List.of())).open(request)) {
            assertEquals(rows + 3, grown.shape().vocabularySize());
            assertArrayEquals(new long[] {rows, rows + 1, rows + 2}, grown.tokenizer().encode("a0 a1 b0"));
        }
        for (LlamaBackboneProvider.Params refused : List.of(params(new LlamaBackboneProvider.Lora(4, null, null, null,
                null), List.of()), params(null, List.of("embeddings")))) {
            String message = assertThrows(IllegalArgumentException.class,
                    () -> new LlamaBackboneProvider().bind(refused).open(request)).getMessage();
            assertTrue(message, message.contains("items as codes add 3 new tokens")
                    && message.contains("use full fine-tuning"));
        }
    }

    private static LlamaBackboneProvider.Params params(LlamaBackboneProvider.Lora lora, List<String> freeze) {
        return new LlamaBackboneProvider.Params(null, "c", null, null, null, null, null, null, null, freeze, lora, null);
    }

    /** The new rows: the old rows' mean plus N(0, 0.02^2) noise, so their spread around that mean is about 0.02. */
    private static void checkNewRows(LlamaBackbone model, int first, int count) {
        float[] all = model.parameters().get(LlamaBackbone.EMBEDDINGS).toFloatArray();
        int hidden = 896;
        double[] mean = new double[hidden];
        for (int row = 0; row < first; row++) {
            for (int d = 0; d < hidden; d++) {
                mean[d] += all[row * hidden + d] / (double) first;
            }
        }
        double squares = 0;
        double offset = 0;
        for (int row = first; row < first + count; row++) {
            for (int d = 0; d < hidden; d++) {
                double deviation = all[row * hidden + d] - mean[d];
                squares += deviation * deviation;
                offset += deviation;
            }
        }
        double n = (double) count * hidden;
        assertEquals("spread of the new rows", AddedTokens.NEW_ROW_STD, Math.sqrt(squares / n), 0.001);
        assertEquals("centre of the new rows", 0, offset / n, 0.001);
    }

    private static float[] row(LlamaBackbone model, int row) {
        float[] all = model.parameters().get(LlamaBackbone.EMBEDDINGS).toFloatArray();
        return Arrays.copyOfRange(all, row * 896, (row + 1) * 896);
    }

    private static List<String> codes(int levels, int codes) {
        List<String> words = new ArrayList<>();
        for (int level = 0; level < levels; level++) {
            for (int code = 0; code < codes; code++) {
                words.add((char) ('a' + level) + String.valueOf(code));
            }
        }
        return words;
    }

    private static long[] ids(AddedTokens added, List<String> words, String... codes) {
        return Arrays.stream(codes).mapToLong(c -> added.firstId() + words.indexOf(c)).toArray();
    }

    private static int indexOf(long[] haystack, long[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
