package org.cftrec.dataset.recbole;

import org.cftrec.api.data.DatasetSource;
import org.cftrec.api.testing.LinkEscapes;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Every file of recbole and sequence-tsv, replaced by a link (and a link to a link) out of the allowed roots. */
public class RecBoleLinksTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void recboleFilesThatAreLinksOutOfTheRootsAreRefused() throws Exception {
        Path root = folder.newFolder("root").toPath();
        Path sci = Files.createDirectories(root.resolve("sci"));
        Files.writeString(sci.resolve("S.titles.tsv"), "item_index\tasin\ttitle\n0\tA\tAlpha\n1\tB\tBeta\n2\tC\tGamma\n");
        Files.writeString(sci.resolve("S.train.inter"), "h\n0\t0\t1\n");
        Files.writeString(sci.resolve("S.valid.inter"), "h\n0\t0 1\t2\n");
        Files.writeString(sci.resolve("S.test.inter"), "h\n0\t0 1 2\t0\n");
        List<String> files = List.of("S.titles.tsv", "S.train.inter", "S.valid.inter", "S.test.inter");
        DatasetSource source = new RecBoleDataset().bind(new RecBoleDataset.Params("sci", "S", null, 10, null));
        LinkEscapes.assertDatasetRefusesEveryLink(root, folder.newFolder("outside").toPath(), sci, files, source);
    }

    @Test
    public void sequenceTsvFilesThatAreLinksOutOfTheRootsAreRefused() throws Exception {
        Path root = folder.newFolder("root").toPath();
        Path fm = Files.createDirectories(root.resolve("fm"));
        Files.writeString(fm.resolve("id2name.txt"), "0::Morcheeba\n1::Enigma\n2::Air\n");
        Files.writeString(fm.resolve("sequences.tsv"), "seq_id\tsplit\titem_ids\n0\ttrain\t0 1 2\n1\tvalid\t2 1\n2\ttest\t1 0\n");
        List<String> files = List.of("id2name.txt", "sequences.tsv");
        DatasetSource source = new SequenceTsvDataset().bind(new SequenceTsvDataset.Params("fm", null, null, null, 1, null, null));
        LinkEscapes.assertDatasetRefusesEveryLink(root, folder.newFolder("outside").toPath(), fm, files, source);
    }
}
