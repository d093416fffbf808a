package org.cftrec.dataset.amazon;

import org.cftrec.api.PluginContext;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.RecDataset;
import org.cftrec.dataset.amazon.AmazonRawFiles.Review;
import org.cftrec.dataset.amazon.AmazonRecipe.Prepared;
import org.cftrec.dataset.amazon.AmazonRecipe.Settings;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/** The raw Amazon 2018 recipe on hand-made reviews, and the D3 layout it writes read back by amazon-d3. */
public class Amazon2018DatasetTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private static long day(String date) {
        return java.time.LocalDate.parse(date).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    }

    @Test
    public void titlesAreUnescapedAndUnusableOnesDropped() {
        assertEquals(Optional.of("Tom & Jerry \"Deluxe\" Set"), AmazonTitles.clean("  Tom &amp; Jerry &quot;Deluxe&quot;\n Set "));
        assertEquals(Optional.empty(), AmazonTitles.clean(""));
        assertEquals(Optional.empty(), AmazonTitles.clean("X"));
        assertEquals(Optional.empty(), AmazonTitles.clean(null));
        assertEquals(Optional.empty(), AmazonTitles.clean("<span class=\"a\">Drill</span>"));
        assertEquals(Optional.empty(), AmazonTitles.clean("one two three four five six seven eight nine ten eleven "
                + "twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twentyone"));
        assertEquals(Optional.of("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20"),
                AmazonTitles.clean("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20"));
    }

    @Test
    public void kCoreIteratesUntilStable() {
        // k = 2. u3 has one review; without it item c has one review; without that u2 has one review.
        List<Review> reviews = List.of(r("u1", "a", 1), r("u1", "b", 2), r("u2", "a", 3), r("u2", "c", 4),
                r("u3", "c", 5), r("u4", "b", 6), r("u4", "a", 7));
        List<Review> core = AmazonRecipe.kCore(reviews, 2);
        assertEquals(List.of(r("u1", "a", 1), r("u1", "b", 2), r("u4", "b", 6), r("u4", "a", 7)), core);
        assertEquals(reviews.size(), AmazonRecipe.kCore(reviews, 1).size());
    }

    @Test
    public void windowMovesBackAYearUntilEnoughItems() {
        Map<String, String> titles = new LinkedHashMap<>();
        List<Review> reviews = new ArrayList<>();
        // items a..d reviewed in 2018 by every user, items e..h only in 2016-12: 4 items in the first window.
        for (String item : List.of("a", "b", "c", "d", "e", "f", "g", "h")) {
            titles.put(item, "Item " + item);
        }
        for (int u = 0; u < 3; u++) {
            for (String item : List.of("a", "b", "c", "d")) {
                reviews.add(new Review("u" + u, item, 5, day("2018-01-0" + (1 + u))));
            }
            for (String item : List.of("e", "f", "g", "h")) {
                reviews.add(new Review("u" + u, item, 4, day("2016-12-0" + (1 + u))));
            }
        }
        Prepared few = AmazonRecipe.prepare(reviews, titles, settings(4, 3));
        assertEquals(YearMonth.of(2017, 10), few.start());
        assertEquals(4, few.titles().size());
        Prepared more = AmazonRecipe.prepare(reviews, titles, settings(5, 3));
        assertEquals(YearMonth.of(2016, 10), more.start());
        assertEquals(8, more.titles().size());
        // Asking for more items than exist stops once the window covers every review.
        assertEquals(8, AmazonRecipe.prepare(reviews, titles, settings(100, 3)).titles().size());
    }

    @Test
    public void samplesUsePreviousItemsAndSplitByTargetTime() {
        Map<String, String> titles = new LinkedHashMap<>();
        for (String item : List.of("a", "b", "c", "d", "e", "f")) {
            titles.put(item, "Item " + item);
        }
        titles.put("z", "<b>junk</b>"); // unusable title: its reviews go before the core
        List<Review> reviews = new ArrayList<>();
        String[] order = {"a", "b", "c", "d", "e", "f"};
        for (int u = 0; u < 2; u++) {
            for (int i = 0; i < order.length; i++) {
                // user 1 is one day behind user 0 at every position; ties inside a user do not occur
                reviews.add(new Review("u" + u, order[(i + u) % 6], 5, day("2018-02-01") + (i * 2L + u) * 86400));
            }
            reviews.add(new Review("u" + u, "z", 1, day("2018-02-01")));
        }
        Prepared p = AmazonRecipe.prepare(reviews, titles, new Settings(YearMonth.of(2017, 10), YearMonth.of(2018, 11), 0, 2, 3));
        // 2 users x 5 samples = 10 samples: 8 train, 1 valid, 1 test, in target-time order.
        assertEquals(8, p.train().size());
        assertEquals(1, p.valid().size());
        assertEquals(1, p.test().size());
        AmazonRecipe.Sample last = p.test().get(0);
        assertEquals("u1", last.user());
        assertEquals("a", last.target().asin());
        assertEquals(List.of("d", "e", "f"), last.history().stream().map(Review::asin).toList()); // at most 3
        AmazonRecipe.Sample first = p.train().get(0);
        assertEquals("u0", first.user());
        assertEquals(List.of("a"), first.history().stream().map(Review::asin).toList());
        for (List<AmazonRecipe.Sample> split : List.of(p.train(), p.valid(), p.test())) {
            assertTrue(split.stream().noneMatch(s -> s.target().asin().equals("z")));
        }
        assertTrue(p.train().get(7).target().time() <= p.valid().get(0).target().time());
        assertTrue(p.valid().get(0).target().time() <= p.test().get(0).target().time());
    }

    @Test
    public void pluginWritesTheD3LayoutAndReadsItBack() throws Exception {
        Path raw = folder.newFolder("raw").toPath();
        StringBuilder reviews = new StringBuilder();
        String[] asins = {"B01", "B02", "B03"};
        for (int u = 0; u < 4; u++) {
            for (int i = 0; i < 3; i++) {
                reviews.append(String.format("{\"reviewerID\": \"U%d\", \"asin\": \"%s\", \"overall\": %d.0,"
                        + " \"unixReviewTime\": %d, \"reviewText\": \"ok\"}%n", u, asins[(i + u) % 3], 3 + i,
                        day("2018-03-01") + (u * 3L + i) * 3600));
            }
        }
        gzip(raw.resolve("Tools_5.json.gz"), reviews.toString());
        Files.writeString(raw.resolve("meta_Tools.json"),
                "{\"asin\": \"B01\", \"title\": \"Hammer, &quot;Claw&quot; 16 oz\"}\n"
                        + "{\"asin\": \"B02\", \"title\": \"Saw's Edge\"}\n"
                        + "{\"asin\": \"B03\", \"title\": \"Back\\\\slash 'n' \\\"quotes\\\"\"}\n");
        Path work = folder.newFolder("work").toPath();
        RecDataset d = new Amazon2018Dataset().bind(new Amazon2018Dataset.Params(raw.toString(), "Tools", null, null,
                0, 3, null, null, null)).load(new PluginContext(1, raw, work));
        String stem = "Tools_5_2017-10-2018-11";
        assertEquals(stem, d.name());
        assertTrue(Files.isRegularFile(work.resolve("amazon-2018/train/" + stem + ".csv")));
        assertEquals("Hammer, \"Claw\" 16 oz\t0\nSaw's Edge\t1\nBack\\slash 'n' \"quotes\"\t2\n",
                Files.readString(work.resolve("amazon-2018/info/" + stem + ".txt")));
        assertEquals(3, d.catalogue().size());
        assertEquals("Back\\slash 'n' \"quotes\"", d.itemsById().get("2").title());
        // 4 users x 2 samples = 8: 6 train, 0 valid, 2 test; the last sample is U3's third review (B03 at i = 2).
        assertEquals(6, d.train().size());
        assertEquals(0, d.valid().size());
        assertEquals(new Example("U3", List.of("0", "1"), "2"), d.test().get(1));
        String header = Files.readAllLines(work.resolve("amazon-2018/test/" + stem + ".csv")).get(0);
        assertEquals(String.join(",", D3LayoutWriter.COLUMNS), header);
        List<Map<String, String>> rows = new ArrayList<>();
        CsvFiles.read(work.resolve("amazon-2018/test/" + stem + ".csv"), List.of(), rows::add);
        Map<String, String> row = rows.get(1);
        assertEquals(List.of("Hammer, \"Claw\" 16 oz", "Saw's Edge"), PythonLists.pythonList(row.get("history_item_title")));
        assertEquals("['B01', 'B02']", row.get("item_asins"));
        assertEquals("[3.0, 4.0]", row.get("history_rating"));
    }

    @Test
    public void pythonReprQuotingMatchesPython() {
        assertEquals("'plain'", PythonLists.pythonString("plain"));
        assertEquals("\"it's\"", PythonLists.pythonString("it's"));
        assertEquals("'both \\' and \"'", PythonLists.pythonString("both ' and \""));
        assertEquals("'back\\\\slash'", PythonLists.pythonString("back\\slash"));
        List<String> titles = List.of("a, b", "it's", "x\"y", "both ' and \"", "back\\slash");
        assertEquals(titles, PythonLists.pythonList(PythonLists.pythonStrings(titles)));
    }

    @Test
    public void malformedRawLinesNameFileAndLine() throws Exception {
        Path raw = folder.newFolder("bad").toPath();
        Files.writeString(raw.resolve("Tools_5.json"), "{\"reviewerID\": \"U1\", \"asin\": \"B01\", \"overall\": 5.0,"
                + " \"unixReviewTime\": 1}\n{\"reviewerID\": \"U1\", \"asin\": \"B02\"}\n");
        Files.writeString(raw.resolve("meta_Tools.json"), "{\"asin\": \"B01\", \"title\": \"Hammer\"}\n");
        PluginContext context = new PluginContext(1, raw, folder.newFolder("w").toPath());
        Amazon2018Dataset.Params params = new Amazon2018Dataset.Params(raw.toString(), "Tools", null, null, 0, 1, null,
                null, null);
        IOException e = assertThrows(IOException.class, () -> new Amazon2018Dataset().bind(params).load(context));
        assertTrue(e.getMessage(), e.getMessage().contains("Tools_5.json:2: field 'overall' is missing"));
        Files.writeString(raw.resolve("Tools_5.json"), "not json\n");
        e = assertThrows(IOException.class, () -> new Amazon2018Dataset().bind(params).load(context));
        assertTrue(e.getMessage(), e.getMessage().contains("Tools_5.json:1: not a JSON object"));
        Files.delete(raw.resolve("meta_Tools.json"));
        Files.writeString(raw.resolve("Tools_5.json"), "{\"reviewerID\": \"U1\", \"asin\": \"B01\", \"overall\": 5.0,"
                + " \"unixReviewTime\": 1}\n");
        e = assertThrows(IOException.class, () -> new Amazon2018Dataset().bind(params).load(context));
        assertTrue(e.getMessage(), e.getMessage().contains("meta_Tools.json: file not found"));
        IllegalArgumentException month = assertThrows(IllegalArgumentException.class, () ->
                new Amazon2018Dataset.Params("p", "Tools", "2017/10", null, null, null, null, null, null));
        assertEquals("start must be a month YYYY-MM, got '2017/10'", month.getMessage());
        IOException escape = assertThrows(IOException.class, () -> new Amazon2018Dataset().bind(new Amazon2018Dataset.Params(raw.toString(), "Tools", null, null, 0, 1, null, "../out", null)).load(context));
        assertTrue(escape.getMessage(), escape.getMessage().contains("output '../out' leaves the run's work folder"));
    }

    private static Settings settings(int minItems, int core) {
        return new Settings(YearMonth.of(2017, 10), YearMonth.of(2018, 11), minItems, core, 10);
    }

    private static Review r(String user, String asin, long time) {
        return new Review(user, asin, 5, time);
    }

    private static void gzip(Path file, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
