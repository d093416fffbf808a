package org.cftrec.dataset.amazon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cftrec.api.PluginContext;
import org.cftrec.api.data.LineReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The raw Amazon Reviews 2018 files of one category: {@code <Category>_5.json} (reviews, one JSON object per
 * line: reviewerID, asin, overall, unixReviewTime) and {@code meta_<Category>.json} (asin, title), each plain
 * or gzip-compressed ({@code .json.gz}). A malformed line fails the load with the file and line number.
 */
final class AmazonRawFiles {
    /** One review: who, which item, the star rating and the time in seconds since the epoch. */
    record Review(String user, String asin, double rating, long time) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private AmazonRawFiles() {
    }

    /** The file {@code stem.json} or {@code stem.json.gz} in {@code folder} (the stem comes from the category). */
    static Path find(PluginContext context, Path folder, String stem) throws IOException {
        for (String name : List.of(stem + ".json", stem + ".json.gz")) {
            Path file = context.resolveDataFile(folder, "category", name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new IOException(folder.resolve(stem + ".json") + ": file not found (nor " + stem + ".json.gz)");
    }

    static List<Review> reviews(Path file) throws IOException {
        List<Review> reviews = new ArrayList<>();
        read(file, (json, line) -> reviews.add(new Review(text(json, "reviewerID"), text(json, "asin"),
                number(json, "overall").doubleValue(), number(json, "unixReviewTime").longValue())));
        return reviews;
    }

    /** Raw titles by asin (null where the metadata has no title). */
    static Map<String, String> titles(Path file) throws IOException {
        Map<String, String> titles = new LinkedHashMap<>();
        read(file, (json, line) -> {
            JsonNode title = json.get("title");
            titles.putIfAbsent(text(json, "asin"), title == null || title.isNull() ? null : title.asText());
        });
        return titles;
    }

    private interface RowHandler {
        void row(JsonNode json, String line);
    }

    private static void read(Path file, RowHandler handler) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            try {
                in = new GZIPInputStream(in);
            } catch (IOException e) {
                in.close();
                throw new IOException(file + ": not gzip data (" + e.getMessage() + ")", e);
            }
        }
        LineReader.read(in, file, StandardCharsets.UTF_8, 0, (line, n) -> { // closes the stream
            if (line.isBlank()) {
                return;
            }
            JsonNode json;
            try {
                json = JSON.readTree(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("not a JSON object: " + e.getOriginalMessage());
            }
            if (json == null || !json.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            handler.row(json, line);
        });
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not a non-empty string");
        }
        return value.asText();
    }

    private static Number number(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not a number");
        }
        return value.numberValue();
    }
}
