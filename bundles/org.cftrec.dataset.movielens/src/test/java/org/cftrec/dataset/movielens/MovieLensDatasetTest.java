package org.cftrec.dataset.movielens;

import org.cftrec.api.PluginContext;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.RecDataset;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/** Fixtures written by the test in the ml-100k layout, latin-1 titles included. */
public class MovieLensDatasetTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private Path fixture(String ratings) throws IOException {
        Path dir = folder.newFolder("ml").toPath();
        Files.write(dir.resolve("u.item"), ("1|Toy Story (1995)|01-Jan-1995||url|0|0\n"
                + "2|Les Misérables (1995)|01-Jan-1995||url|0|0\n"
                + "3|Heat (1995)|01-Jan-1995||url|0|0\n"
                + "4|unknown|||url|0|0\n"
                + "5|Heat (1995)|01-Jan-1995||url|0|0\n").getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(dir.resolve("u.data"), ratings);
        return dir;
    }

    private static RecDataset load(Path dir, Integer minRating) throws IOException {
        return new MovieLensDataset().bind(new MovieLensDataset.Params(dir.toString(), minRating, 2, null)).load(new PluginContext(1, dir, dir));
    }

    @Test
    public void ordersByTimestampThenItemAndSplitsLeaveOneOut() throws Exception {
        // user 7: items 3 and 1 share timestamp 100 -> order 1, 3; then 2 (200), 5 (300), 4 (400)
        Path dir = fixture("7\t3\t4\t100\n7\t1\t5\t100\n7\t2\t3\t200\n7\t5\t4\t300\n7\t4\t2\t400\n9\t1\t5\t50\n9\t2\t5\t60\n");
        RecDataset d = load(dir, null);
        assertEquals(List.of(new Example("7", List.of("1"), "3"), new Example("7", List.of("1", "3"), "2"),
                new Example("9", List.of("1"), "2")), d.train());
        assertEquals(List.of(new Example("7", List.of("3", "2"), "5")), d.valid());
        assertEquals(List.of(new Example("7", List.of("2", "5"), "4")), d.test());
        assertEquals("Les Misérables (1995)", d.itemsById().get("2").title());
        assertEquals(2, d.statistics().users());
        assertEquals(5, d.statistics().items());
        assertEquals(7, d.statistics().interactions());
        assertEquals(1, d.statistics().junkTitles());
        assertEquals(2, d.statistics().duplicateTitles());
    }

    @Test
    public void minimumRatingDropsInteractions() throws Exception {
        Path dir = fixture("7\t3\t4\t100\n7\t1\t5\t100\n7\t2\t3\t200\n7\t5\t4\t300\n");
        assertEquals(3, load(dir, 4).statistics().interactions());
    }

    @Test
    public void malformedLinesNameFileAndLine() throws Exception {
        Path dir = fixture("7\t3\t4\t100\n7\t1\tfive\t100\n");
        IOException e = assertThrows(IOException.class, () -> load(dir, null));
        assertEquals(dir.resolve("u.data") + ":2: rating 'five' is not a number", e.getMessage());
        Files.writeString(dir.resolve("u.data"), "7\t99\t4\t100\n");
        assertTrue(assertThrows(IOException.class, () -> load(dir, null)).getMessage()
                .endsWith("u.data:1: item id 99 is not in u.item"));
    }

    @Test
    public void readsTheMl1mLayout() throws Exception {
        Path dir = folder.newFolder("ml1m").toPath();
        Files.write(dir.resolve("movies.dat"), "1::Toy Story (1995)::Animation\n2::Amélie (2001)::Comedy\n3::Heat (1995)::Action\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(dir.resolve("ratings.dat"), "1::3::5::30\n1::1::4::10\n1::2::3::20\n");
        RecDataset d = new MovieLensDataset().bind(new MovieLensDataset.Params(dir.toString(), null, null, null)).load(new PluginContext(1, dir, dir));
        assertEquals("ml-1m", d.name());
        assertEquals(List.of(new Example("1", List.of("1", "2"), "3")), d.test());
        assertEquals("Amélie (2001)", d.itemsById().get("2").title());
    }

    @Test
    public void missingFilesAreNamed() throws Exception {
        Path empty = folder.newFolder("empty").toPath();
        assertTrue(assertThrows(IOException.class, () -> load(empty, null)).getMessage()
                .endsWith("neither u.data (ml-100k) nor ratings.dat (ml-1m) found"));
    }
}
