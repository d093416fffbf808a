package org.cftrec.backbone.llama;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import static org.junit.Assert.assertTrue;

/**
 * A generated corpus of broken checkpoints: a valid tiny checkpoint with its config.json fields replaced by
 * values of the wrong kind or size, each file cut short, the safetensors header length and header bytes
 * corrupted, and tokenizer.json cut or mistyped. Opening each must either work (some changes are harmless) or
 * fail with an IOException / IllegalArgumentException that names the checkpoint folder; nothing else may escape
 * (no NullPointerException, no OutOfMemoryError, no negative array size).
 */
public class CheckpointCorpusTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> WRONG_VALUES = List.of("null", "\"x\"", "-1", "0", "1.5", "1e309",
            "2147483647", "1000000", "true", "[]", "{}", "[1, 2]");

    private int cases;
    private int named;
    private final List<String> escaped = new ArrayList<>();

    /** Opens the checkpoint after one mutation of a fresh copy, and classifies the outcome. */
    private void attempt(Path valid, String label, Consumer<Path> mutation) throws IOException {
        Path dir = tmp.newFolder("case-" + cases).toPath();
        try (var files = Files.list(valid)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        mutation.accept(dir);
        cases++;
        try (LlamaBackbone model = LlamaLoader.open(dir, Device.cpu(), DataType.FLOAT32)) {
            model.config(); // loaded: the change was harmless
        } catch (IOException | IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().contains(dir.toString())) {
                named++;
            } else {
                escaped.add(label + ": unnamed: " + e);
            }
        } catch (Throwable e) {
            escaped.add(label + ": " + e);
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    public void everyBrokenCheckpointEndsInANamedError() throws Exception {
        Path valid = tmp.newFolder("valid").toPath();
        TinyModels.create(valid, 7).close();
        JsonNode config = JSON.readTree(valid.resolve("config.json").toFile());
        // config.json: every field replaced by every wrong value.
        for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            for (String wrong : WRONG_VALUES) {
                ObjectNode copy = config.deepCopy();
                copy.set(field, JSON.readTree(wrong));
                attempt(valid, "config " + field + "=" + wrong,
                        d -> write(d.resolve("config.json"), copy.toString().getBytes(StandardCharsets.UTF_8)));
            }
        }
        // Every file cut short at spread positions, and emptied.
        for (String name : List.of("config.json", "tokenizer.json", CheckpointLayout.SINGLE_FILE)) {
            byte[] bytes = read(valid.resolve(name));
            int step = Math.max(1, bytes.length / 60);
            for (int cut = 0; cut < bytes.length; cut += step) {
                int at = cut;
                attempt(valid, name + " cut at " + at, d -> write(d.resolve(name), Arrays.copyOf(bytes, at)));
            }
        }
        // The safetensors header length replaced by hostile values.
        byte[] weights = read(valid.resolve(CheckpointLayout.SINGLE_FILE));
        for (long length : new long[] {0, -1, 1, 7, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE + 1L,
                weights.length, weights.length - 7L, 200_000_000L}) {
            attempt(valid, "header length " + length, d -> {
                byte[] copy = weights.clone();
                ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
                write(d.resolve(CheckpointLayout.SINGLE_FILE), copy);
            });
        }
        // Bytes of the safetensors header JSON replaced by characters that change its meaning.
        int headerLength = (int) ByteBuffer.wrap(weights).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        SplittableRandom random = new SplittableRandom(11);
        byte[] replacements = "0123456789-\"{}[],:.eE xF".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 300; i++) {
            int at = 8 + random.nextInt(headerLength);
            byte b = replacements[random.nextInt(replacements.length)];
            attempt(valid, "header byte " + at + " = " + (char) b, d -> {
                byte[] copy = weights.clone();
                copy[at] = b;
                write(d.resolve(CheckpointLayout.SINGLE_FILE), copy);
            });
        }
        // tokenizer.json with its model of the wrong kind.
        JsonNode tokenizer = JSON.readTree(valid.resolve("tokenizer.json").toFile());
        for (String wrong : WRONG_VALUES) {
            ObjectNode copy = tokenizer.deepCopy();
            copy.set("model", JSON.readTree(wrong));
            attempt(valid, "tokenizer model=" + wrong,
                    d -> write(d.resolve("tokenizer.json"), copy.toString().getBytes(StandardCharsets.UTF_8)));
        }
        System.out.printf("checkpoint corpus: %d cases, %d named errors, %d loaded%n", cases, named,
                cases - named - escaped.size());
        assertTrue(escaped.size() + " escaped, e.g.\n" + String.join("\n", escaped.subList(0, Math.min(15, escaped.size()))),
                escaped.isEmpty());
    }
}
