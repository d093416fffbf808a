package org.cftrec.dataset.movielens;

import org.cftrec.api.testing.LinkEscapes;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Every file of both MovieLens layouts, replaced by a link (and a link to a link) out of the allowed roots. */
public class MovieLensLinksTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void ml100kFilesThatAreLinksOutOfTheRootsAreRefused() throws Exception {
        Path root = folder.newFolder("root").toPath();
        Path ml = Files.createDirectories(root.resolve("ml"));
        Files.writeString(ml.resolve("u.item"), "1|Toy Story (1995)|01-Jan-1995||url|0\n2|Heat (1995)|01-Jan-1995||url|0\n");
        Files.writeString(ml.resolve("u.data"), "7\t1\t4\t100\n7\t2\t5\t200\n7\t1\t3\t300\n7\t2\t3\t400\n7\t1\t3\t500\n");
        assertRefused(root, ml, List.of("u.item", "u.data"));
    }

    @Test
    public void ml1mFilesThatAreLinksOutOfTheRootsAreRefused() throws Exception {
        Path root = folder.newFolder("root").toPath();
        Path ml = Files.createDirectories(root.resolve("ml1m"));
        Files.writeString(ml.resolve("movies.dat"), "1::Toy Story (1995)::Animation\n2::Heat (1995)::Action\n");
        Files.writeString(ml.resolve("ratings.dat"), "1::1::5::10\n1::2::4::20\n1::1::3::30\n1::2::3::40\n1::1::3::50\n");
        assertRefused(root, ml, List.of("movies.dat", "ratings.dat"));
    }

    private void assertRefused(Path root, Path ml, List<String> files) throws Exception {
        LinkEscapes.assertDatasetRefusesEveryLink(root, folder.newFolder("outside").toPath(), ml, files,
                new MovieLensDataset().bind(new MovieLensDataset.Params(ml.getFileName().toString(), null, 1, null)));
    }
}
