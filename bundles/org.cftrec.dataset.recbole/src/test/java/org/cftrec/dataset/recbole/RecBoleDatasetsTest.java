package org.cftrec.dataset.recbole;

import org.cftrec.api.PluginContext;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.RecDataset;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

public class RecBoleDatasetsTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void recboleSequencesAreRebuiltFromTruncatedRows() throws Exception {
        Path dir = folder.newFolder("sci").toPath();
        Files.writeString(dir.resolve("S.titles.tsv"), "item_index\tasin\ttitle\n0\tA\tAlpha\n1\tB\tBeta\n2\tC\tGamma\n"
                + "3\tD\tDelta\n4\tE\tIndustrial & Scientific />\n");
        // user 0: sequence 0 1 2 3 4 2 (train rows longest first), histories truncated to 3 items
        Files.writeString(dir.resolve("S.train.inter"), "user_id:token\titem_id_list:token_seq\titem_id:token\n"
                + "0\t1 2 3\t4\n0\t0 1 2\t3\n0\t0 1\t2\n0\t0\t1\n");
        Files.writeString(dir.resolve("S.valid.inter"), "h\n0\t2 3 4\t2\n");
        Files.writeString(dir.resolve("S.test.inter"), "h\n0\t3 4 2\t0\n");
        RecDataset d = new RecBoleDataset().bind(new RecBoleDataset.Params(dir.toString(), "S", null, 10, null)).load(new PluginContext(1, dir, dir));
        assertEquals(List.of(new Example("0", List.of("0", "1", "2", "3", "4", "2"), "0")), d.test());
        assertEquals(List.of(new Example("0", List.of("0", "1", "2", "3", "4"), "2")), d.valid());
        assertEquals(4, d.train().size());
        assertEquals(7, d.statistics().interactions());
        assertEquals(1, d.statistics().junkTitles());
    }

    @Test
    public void unknownItemIdNamesFileAndLine() throws Exception {
        Path dir = folder.newFolder("bad").toPath();
        Files.writeString(dir.resolve("S.titles.tsv"), "h\n0\tA\tAlpha\n");
        Files.writeString(dir.resolve("S.train.inter"), "h\n0\t0\t7\n");
        IOException e = assertThrows(IOException.class, () -> new RecBoleDataset().bind(new RecBoleDataset.Params(dir.toString(), "S", null, null, null)).load(new PluginContext(1, dir, dir)));
        assertEquals(dir.resolve("S.train.inter") + ":2: item id 7 is not in S.titles.tsv", e.getMessage());
    }

    @Test
    public void sequenceTsvUserLevelSplitFollowsLlara() throws Exception {
        Path dir = folder.newFolder("fm").toPath();
        Files.writeString(dir.resolve("id2name.txt"), "0::Morcheeba\n1::Enigma\n2::Café Del Mar\n3::Air\n4::Moby\n");
        Files.writeString(dir.resolve("sequences.tsv"), "seq_id\tsplit\titem_ids\n0\ttrain\t0 1 2 3 4\n"
                + "1\tvalid\t4 3 2\n2\ttest\t1 0\n");
        RecDataset d = new SequenceTsvDataset().bind(new SequenceTsvDataset.Params(dir.toString(), null, null, null,
                3, null, null)).load(new PluginContext(1, dir, dir));
        // train: positions with >= 3 history items only
        assertEquals(List.of(new Example("0", List.of("0", "1", "2"), "3"), new Example("0", List.of("0", "1", "2", "3"), "4")),
                d.train());
        assertEquals(List.of(new Example("1", List.of("4", "3"), "2")), d.valid());
        assertEquals(List.of(new Example("2", List.of("1"), "0")), d.test());
        assertEquals("Café Del Mar", d.itemsById().get("2").title());
        assertEquals(10, d.statistics().interactions());
    }

    @Test
    public void nonUtf8NamesAreRejectedWithTheLine() throws Exception {
        Path dir = folder.newFolder("enc").toPath();
        Files.write(dir.resolve("id2name.txt"), new byte[] {'0', ':', ':', 'C', 'a', 'f', (byte) 0xE9, '\n'});
        Files.writeString(dir.resolve("sequences.tsv"), "h\n");
        IOException e = assertThrows(IOException.class, () -> new SequenceTsvDataset().bind(new SequenceTsvDataset.Params(dir.toString(), null, null, null, null, null, null)).load(new PluginContext(1, dir, dir)));
        assertTrue(e.getMessage(), e.getMessage().endsWith("id2name.txt:1: not valid UTF-8 text"));
    }
}
