package org.cftrec.backbone.llama;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cftrec.api.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small randomly initialised Llama model for CPU runs, written in the Hugging Face layout so that from
 * then on it is opened exactly like a downloaded checkpoint: a word-level {@code tokenizer.json} built from
 * the run's texts, a {@code config.json} and a {@code model.safetensors}. Deterministic from the seed.
 */
public final class TinyPreset {
    static final String PAD = "<pad>";
    static final String UNK = "<unk>";
    static final String EOS = "<eos>";
    /** The split of the tokenizers library's Whitespace pre-tokenizer: word characters, or other non-space runs. */
    private static final Pattern WORDS = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);

    /** Sizes of the preset. */
    public record Sizes(int layers, int hidden, int heads, int kvHeads, int intermediate, int maxVocabulary) {
    }

    private TinyPreset() {
    }

    public static void create(Path folder, List<String> corpus, long seed, Sizes sizes) throws IOException {
        Files.createDirectories(folder);
        List<String> vocabulary = vocabulary(corpus, sizes.maxVocabulary());
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        LlamaConfig config = new LlamaConfig("llama", vocabulary.size(), sizes.hidden(), sizes.layers(), sizes.heads(),
                sizes.kvHeads(), sizes.intermediate(), 1e-6, 10000.0, 4096, true, "silu", false, false, null,
                null, null, null, null, json.getNodeFactory().numberNode(2), 0, "float32",
                List.of("LlamaForCausalLM"));
        config.checkSupported();
        ModelSize.checkLoadable(config);
        AtomicFiles.write(folder.resolve("tokenizer.json"), json.writeValueAsBytes(tokenizerJson(json, vocabulary)));
        AtomicFiles.write(folder.resolve("config.json"), json.writeValueAsBytes(config));
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : CheckpointLayout.expected(config).entrySet()) {
            tensors.put(e.getKey(), initial(e.getKey(), e.getValue(), random));
        }
        AtomicFiles.write(folder.resolve(CheckpointLayout.SINGLE_FILE), out -> Safetensors.writeF32(out, tensors));
    }

    /** Special tokens first, then words by descending frequency (ties alphabetically), capped at maxVocabulary. */
    static List<String> vocabulary(List<String> corpus, int maxVocabulary) {
        Map<String, Integer> counts = new HashMap<>();
        for (String text : corpus) {
            Matcher m = WORDS.matcher(text);
            while (m.find()) {
                counts.merge(m.group(), 1, Integer::sum);
            }
        }
        List<String> words = new ArrayList<>(counts.keySet());
        words.sort(Comparator.<String>comparingInt(counts::get).reversed().thenComparing(Comparator.naturalOrder()));
        List<String> vocabulary = new ArrayList<>(List.of(PAD, UNK, EOS));
        for (String word : words) {
            if (vocabulary.size() >= maxVocabulary) {
                break;
            }
            vocabulary.add(word);
        }
        return vocabulary;
    }

    private static ObjectNode tokenizerJson(ObjectMapper json, List<String> vocabulary) {
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < 3; id++) {
            added.addObject().put("id", id).put("content", vocabulary.get(id)).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "Whitespace");
        root.putNull("post_processor");
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < vocabulary.size(); id++) {
            vocab.put(vocabulary.get(id), id);
        }
        model.put("unk_token", UNK);
        return root;
    }

    /** Norm weights start at 1, biases at 0, matrices from N(0, 0.02^2) (the usual initializer_range). */
    static Safetensors.Tensor initial(String name, long[] shape, SplittableRandom random) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] values = new float[(int) n];
        if (name.endsWith("norm.weight")) {
            java.util.Arrays.fill(values, 1f);
        } else if (!name.endsWith(".bias")) {
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (gaussian(random) * 0.02);
            }
        }
        return new Safetensors.Tensor("F32", shape, values);
    }

    static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
