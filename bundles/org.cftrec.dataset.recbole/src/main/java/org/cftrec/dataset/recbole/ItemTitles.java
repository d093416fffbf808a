package org.cftrec.dataset.recbole;

import org.cftrec.api.data.Item;
import org.cftrec.api.data.LineReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads an id-to-title file: one item per line, id in one column and title in another. */
final class ItemTitles {
    private ItemTitles() {
    }

    /**
     * @param separator     column separator (regular expression)
     * @param idColumn      0-based column of the id
     * @param titleColumn   0-based column of the title
     * @param headerLines   lines to skip at the top
     */
    static Map<String, Item> read(Path file, String separator, int idColumn, int titleColumn, int headerLines)
            throws IOException {
        Pattern split = Pattern.compile(separator);
        int columns = Math.max(idColumn, titleColumn) + 1;
        Map<String, Item> items = new LinkedHashMap<>();
        LineReader.read(file, StandardCharsets.UTF_8, headerLines, (line, n) -> {
            String[] f = split.split(line, columns);
            if (f.length < columns) {
                throw new IllegalArgumentException("expected at least " + columns + " columns, got " + f.length);
            }
            String id = f[idColumn].strip();
            if (items.put(id, new Item(id, f[titleColumn].strip())) != null) {
                throw new IllegalArgumentException("item id " + id + " appears twice");
            }
        });
        return items;
    }

    static void requireKnown(Map<String, Item> items, String id, Path titles) {
        if (!items.containsKey(id)) {
            throw new IllegalArgumentException("item id " + id + " is not in " + titles.getFileName());
        }
    }
}
