package org.cftrec.backbone.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cftrec.api.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Item tokens added to a checkpoint's vocabulary, as Hugging Face's {@code tokenizer.add_tokens(...)} followed by
 * {@code model.resize_token_embeddings(...)}, done on the files: a copy of tokenizer.json whose {@code added_tokens}
 * end with one entry per new word, numbered after the highest id the tokenizer has, and embedding (and untied head)
 * rows for them. Each new word is matched whole ({@code single_word}) and takes the spaces before it
 * ({@code lstrip}), so the code {@code a3 b17 c0} is three tokens wherever it stands; every word gets its own id
 * even where the BPE vocabulary holds the same string, because there it would be split after a space.
 *
 * @param tokenizerJson the extended tokenizer.json
 * @param firstId       id of the first new token
 * @param count         new tokens (words that already were added tokens are not added again)
 */
record AddedTokens(Path tokenizerJson, int firstId, int count) {
    /** Spread of the new rows around the old rows' mean: the usual initializer_range, so new tokens start apart. */
    static final double NEW_ROW_STD = 0.02;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Writes {@code source} with {@code words} added to {@code target}. */
    static AddedTokens write(Path source, List<String> words, Path target) throws IOException {
        JsonNode root = JSON.readTree(source.toFile());
        if (!(root instanceof ObjectNode tokenizer) || !root.path("model").isObject()) {
            throw new IOException(source + ": not a Hugging Face tokenizer.json (no model object)");
        }
        int next = 0;
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isArray()) { // Unigram: [piece, score] pairs, numbered by position
            next = vocab.size();
        } else {
            for (Iterator<JsonNode> ids = vocab.elements(); ids.hasNext(); ) {
                next = Math.max(next, ids.next().asInt() + 1);
            }
        }
        ArrayNode added = root.path("added_tokens").isArray() ? (ArrayNode) root.get("added_tokens")
                : tokenizer.putArray("added_tokens");
        Set<String> present = new HashSet<>();
        for (JsonNode token : added) {
            next = Math.max(next, token.path("id").asInt() + 1);
            present.add(token.path("content").asText());
        }
        int first = next;
        for (String word : words) {
            if (word.isBlank() || word.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("item token '" + word + "' is not one word; item tokens are the"
                        + " words of item codes, without spaces");
            }
            if (present.add(word)) {
                added.addObject().put("id", next++).put("content", word).put("single_word", true).put("lstrip", true)
                        .put("rstrip", false).put("normalized", false).put("special", false);
            }
        }
        AtomicFiles.write(target, JSON.writeValueAsBytes(root)); // creates the folder
        return new AddedTokens(target, first, next - first);
    }

    /** Rows the embedding (and head) must have: the checkpoint's, or more when the new ids go beyond them. */
    int rowsNeeded(int rows) {
        return Math.max(rows, firstId + count);
    }

    /**
     * {@code matrix} [rows, hidden] grown to {@link #rowsNeeded} rows, the new tokens' rows set to the mean of the
     * tokenizer's existing rows plus N(0, {@value #NEW_ROW_STD}^2) noise from {@code seed}.
     */
    NDArray initialiseRows(NDArray matrix, long seed) {
        NDManager manager = matrix.getManager();
        long rows = matrix.getShape().get(0);
        int hidden = (int) matrix.getShape().get(1);
        float[] mean;
        try (NDArray existing = matrix.get(new NDIndex("0:" + firstId)); NDArray average = existing.mean(new int[] {0})) {
            mean = average.toFloatArray();
        }
        NDArray grown = matrix;
        if (rowsNeeded((int) rows) > rows) {
            try (NDArray extra = manager.zeros(new Shape(rowsNeeded((int) rows) - rows, hidden), matrix.getDataType())) {
                grown = matrix.concat(extra);
            }
            matrix.close(); // a 150k-token embedding is 545 MB: not kept twice
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[count * hidden];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (mean[i % hidden] + NEW_ROW_STD * TinyPreset.gaussian(random));
        }
        try (NDArray rowsOfNewTokens = manager.create(values, new Shape(count, hidden))) {
            grown.set(new NDIndex(firstId + ":" + (firstId + count)), rowsOfNewTokens);
        }
        return grown;
    }
}
