package org.cftrec.runtime.pipeline;

import org.cftrec.api.data.DatasetStatistics;
import org.cftrec.api.data.Domain;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.Item;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.eval.EvaluationCase;
import org.cftrec.api.eval.EvaluationJob;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.model.TextTokenizer;
import org.cftrec.api.prompt.PromptInput;
import org.cftrec.api.prompt.PromptTemplate;
import org.cftrec.api.prompt.RenderedPrompt;
import org.cftrec.api.weighting.WeightingSchedule;
import org.cftrec.backbone.llama.HfTokenizer;
import org.cftrec.prompt.alpaca.AlpacaTemplate;
import org.cftrec.prompt.alpaca.D3Template;
import org.cftrec.api.train.TokenizedExample;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

/**
 * Targets tokenized exactly as training sees them, with the two real tokenizer families in ../shared/tokenizers
 * (Qwen byte-level BPE, Llama-2 SentencePiece BPE with byte fallback) and the catalogue titles of the real
 * datasets in ../shared/datasets (fixture titles with the hard cases when those are absent): for every title
 * the ids training appends after the prompt equal the trie's path, decode back to the exact text, and equal
 * Hugging Face's tokenization of prompt + target; prompts get BOS the way each family's tokenizer adds it.
 */
public class RealTokenizerTargetsTest {
    private static final Path SHARED = Path.of("../../../shared");
    /** Titles a tokenizer can get wrong: digits after a quote, accents, apostrophes, CJK, emoji, spaces. */
    private static final List<String> FIXTURE_TITLES = List.of("Toy Story (1995)", "12 Angry Men (1957)",
            "Amélie", "Schindler's List", "Café Del Mar", "東京物語", "C++ Primer, 5th ed.", "Rock 🎸 Anthems",
            "  Two leading spaces", "Trailing space ", "\"Quoted\" title", "x");

    private static HfTokenizer qwen;
    private static HfTokenizer llama;
    private static List<String> titles;

    @BeforeClass
    public static void open() throws IOException {
        Assume.assumeTrue("../shared/tokenizers is not on this machine", Files.isDirectory(SHARED.resolve("tokenizers")));
        // eos_token_id / vocab_size as in the releases' config.json (Qwen2.5 base: <|endoftext|>; Llama-2: </s>);
        // neither has a pad token, so padding uses EOS (masked, never attended to).
        qwen = new HfTokenizer(SHARED.resolve("tokenizers/qwen3/tokenizer.json"), 151643, 151643, 151936);
        llama = new HfTokenizer(SHARED.resolve("tokenizers/llama2/tokenizer.json"), 2, 2, 32000);
        titles = new ArrayList<>(FIXTURE_TITLES);
        Path datasets = SHARED.resolve("datasets");
        titles.addAll(column(datasets.resolve("ml-100k/u.item"), StandardCharsets.ISO_8859_1, l -> l.split("\\|")[1]));
        titles.addAll(column(datasets.resolve("amazon-scientific-unisrec/Scientific.titles.tsv"), StandardCharsets.UTF_8,
                l -> l.startsWith("item_index\t") ? null : l.split("\t", 3)[2]));
        titles.addAll(column(datasets.resolve("lastfm-llara/id2name.txt"), StandardCharsets.UTF_8,
                l -> l.substring(l.indexOf("::") + 2)));
        titles.removeIf(t -> t == null || t.isBlank());
        System.out.println("RealTokenizerTargetsTest: " + titles.size() + " titles ("
                + (titles.size() == FIXTURE_TITLES.size() ? "fixtures only: ../shared/datasets is not on this machine"
                : "fixtures + ml-100k, Amazon Scientific, Last.fm") + ")");
    }

    @AfterClass
    public static void close() {
        if (qwen != null) {
            qwen.close();
            llama.close();
        }
    }

    @Test
    public void qwenTargetsAfterTheD3PromptEqualTheTrieAndDecodeBack() {
        checkEveryTitle(qwen, d3());
    }

    @Test
    public void llamaTargetsAfterTheD3PromptEqualTheTrieAndDecodeBack() {
        checkEveryTitle(llama, d3());
    }

    @Test
    public void bothFamiliesAgreeWithTheTrieUnderTheAlpacaPrompt() {
        PromptTemplate alpaca = new AlpacaTemplate().bind(new AlpacaTemplate.Params(null, null));
        List<String> sample = titles.subList(0, Math.min(300, titles.size()));
        for (TextTokenizer tokenizer : List.of(qwen, llama)) {
            check(tokenizer, sample, alpaca::render);
        }
    }

    @Test
    public void promptsStartWithBosOnlyWhereTheFamilyAddsIt() {
        String prompt = d3().apply(new PromptInput(DOMAIN, List.of("Amélie"), "Toy Story (1995)")).factual();
        assertEquals("Llama-2 adds <s>", 1L, llama.encodePrompt(prompt)[0]);
        assertEquals(1, Arrays.stream(llama.encodePrompt(prompt)).filter(id -> id == 1).count());
        assertArrayEquals("Qwen adds no BOS", qwen.encode(prompt), qwen.encodePrompt(prompt));
        assertTrue(Arrays.stream(qwen.encodePrompt(prompt)).allMatch(id -> id < 151643));
    }

    @Test
    public void aTargetThatMergesWithThePromptIsRefusedWithTheReason() {
        // Byte-level BPE reads " Story" as one token: a prompt ending in a space cannot be cut before "Story".
        IllegalArgumentException e = org.junit.Assert.assertThrows(IllegalArgumentException.class,
                () -> qwen.encodeContinuation("Recommend: Toy ", "Story"));
        assertTrue(e.getMessage(), e.getMessage().contains("token boundary"));
        assertNotEquals("the context changes the ids (why targets are tokenized after the prompt)",
                Arrays.toString(llama.encode("\"Amélie\"")),
                Arrays.toString(llama.encodeContinuation("### Response:\n", "\"Amélie\"")));
    }

    private static final Domain DOMAIN = new Domain("movie", "movies");

    private static Function<PromptInput, RenderedPrompt> d3() {
        return new D3Template().bind(new D3Template.Params(null, null, null))::render;
    }

    private void checkEveryTitle(TextTokenizer tokenizer, Function<PromptInput, RenderedPrompt> template) {
        check(tokenizer, titles, template);
    }

    /**
     * Every title as a target: the ids training appends after its prompt (without EOS) equal those the trie is
     * built from, decode back to the rendered text, and equal the tail of the whole sequence's ids.
     */
    private static void check(TextTokenizer tokenizer, List<String> targets, Function<PromptInput, RenderedPrompt> template) {
        ExampleEncoder encoder = new ExampleEncoder(tokenizer, UNIFORM);
        Map<String, String> targetTexts = new LinkedHashMap<>();
        List<RenderedPrompt> rendered = new ArrayList<>();
        List<EvaluationCase> cases = new ArrayList<>();
        List<Item> catalogue = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            // histories differ per case (as for real users), so only the prompts' common ending stays shared
            List<String> history = List.of(targets.get((i + 1) % targets.size()), targets.get((i + 7) % targets.size()));
            RenderedPrompt prompt = template.apply(new PromptInput(DOMAIN, i % 5 == 0 ? List.of() : history, targets.get(i)));
            rendered.add(prompt);
            targetTexts.put("i" + i, prompt.target());
            catalogue.add(new Item("i" + i, targets.get(i)));
            cases.add(new EvaluationCase(new Example("u" + i, List.of(), "i" + i), prompt.factual()));
        }
        Map<String, long[]> trie = new EvaluationJob(backboneWith(tokenizer), dataset(catalogue), cases, targetTexts, 10)
                .targetTokens();
        for (int i = 0; i < targets.size(); i++) {
            RenderedPrompt prompt = rendered.get(i);
            TokenizedExample example = encoder.encode(prompt);
            long[] trained = Arrays.copyOf(example.target(), example.target().length - 1);
            String what = "title " + i + " " + targets.get(i);
            assertEquals(what, tokenizer.eosTokenId(), example.target()[trained.length]);
            assertArrayEquals(what, trie.get("i" + i), trained);
            assertEquals(what, prompt.target(), tokenizer.decode(trained));
            long[] whole = tokenizer.encodePrompt(prompt.factual() + prompt.target());
            long[] concatenated = Arrays.copyOf(example.factual(), example.factual().length + trained.length);
            System.arraycopy(trained, 0, concatenated, example.factual().length, trained.length);
            assertArrayEquals(what, whole, concatenated);
            assertFalse(what, Arrays.stream(trained).anyMatch(id -> id == tokenizer.eosTokenId()));
        }
    }

    /** A backbone that only has a tokenizer: target tokenization touches nothing else. */
    private static Backbone backboneWith(TextTokenizer tokenizer) {
        return (Backbone) Proxy.newProxyInstance(Backbone.class.getClassLoader(), new Class<?>[] {Backbone.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("tokenizer")) {
                        return tokenizer;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static RecDataset dataset(List<Item> catalogue) {
        DatasetStatistics stats = new DatasetStatistics(1, catalogue.size(), 1, Map.of(), new TreeMap<>(), 0, 1);
        return new RecDataset("titles", DOMAIN, catalogue, List.of(), List.of(), List.of(), stats, List.of());
    }

    private static List<String> column(Path file, Charset charset, Function<String, String> field) throws IOException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, charset)) {
            if (!line.isBlank()) {
                out.add(field.apply(line));
            }
        }
        return out;
    }

    private static final WeightingSchedule UNIFORM = tokenCount -> {
        double[] w = new double[tokenCount];
        Arrays.fill(w, 1.0);
        return w;
    };
}
