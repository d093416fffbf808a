package org.cftrec.dataset.amazon;

import org.cftrec.api.AtomicFiles;
import org.cftrec.dataset.amazon.AmazonRawFiles.Review;
import org.cftrec.dataset.amazon.AmazonRecipe.Prepared;
import org.cftrec.dataset.amazon.AmazonRecipe.Sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a prepared category in the D3/BIGRec layout that {@link D3CsvDataset} reads: {@code train/},
 * {@code valid/}, {@code test/} with {@code STEM.csv}, and {@code info/STEM.txt} ({@code title<TAB>id}, ids
 * numbered from 0 in asin order). Each file is written to a temporary file and renamed into place.
 */
final class D3LayoutWriter {
    static final List<String> COLUMNS = List.of("user_id", "item_asins", "item_asin", "history_item_id", "item_id",
            "history_item_title", "item_title", "history_rating", "rating", "history_timestamp", "timestamp");

    private D3LayoutWriter() {
    }

    /** The file stem of a category and window, e.g. {@code Industrial_and_Scientific_5_2016-10-2018-11}. */
    static String stem(String category, Prepared prepared) {
        return category + "_5_" + prepared.start() + "-" + prepared.end();
    }

    static void write(Path folder, String stem, Prepared prepared) throws IOException {
        Map<String, Integer> ids = new HashMap<>();
        StringBuilder itemFile = new StringBuilder();
        for (Map.Entry<String, String> item : prepared.titles().entrySet()) {
            int id = ids.size();
            ids.put(item.getKey(), id);
            itemFile.append(item.getValue()).append('\t').append(id).append('\n');
        }
        Files.createDirectories(folder.resolve("info"));
        AtomicFiles.write(folder.resolve("info").resolve(stem + ".txt"),
                itemFile.toString().getBytes(StandardCharsets.UTF_8));
        write(folder.resolve("train"), stem, prepared.train(), prepared.titles(), ids);
        write(folder.resolve("valid"), stem, prepared.valid(), prepared.titles(), ids);
        write(folder.resolve("test"), stem, prepared.test(), prepared.titles(), ids);
    }

    private static void write(Path split, String stem, List<Sample> samples, Map<String, String> titles,
                              Map<String, Integer> ids) throws IOException {
        Files.createDirectories(split);
        List<List<String>> rows = new ArrayList<>();
        for (Sample s : samples) {
            List<Review> h = s.history();
            Review t = s.target();
            rows.add(List.of(s.user(),
                    PythonLists.pythonStrings(h.stream().map(Review::asin).toList()),
                    t.asin(),
                    PythonLists.pythonNumbers(h.stream().map(r -> String.valueOf(ids.get(r.asin()))).toList()),
                    String.valueOf(ids.get(t.asin())),
                    PythonLists.pythonStrings(h.stream().map(r -> titles.get(r.asin())).toList()),
                    titles.get(t.asin()),
                    PythonLists.pythonNumbers(h.stream().map(r -> String.valueOf(r.rating())).toList()),
                    String.valueOf(t.rating()),
                    PythonLists.pythonNumbers(h.stream().map(r -> String.valueOf(r.time())).toList()),
                    String.valueOf(t.time())));
        }
        AtomicFiles.write(split.resolve(stem + ".csv"), out -> CsvFiles.write(out, COLUMNS, rows));
    }
}
