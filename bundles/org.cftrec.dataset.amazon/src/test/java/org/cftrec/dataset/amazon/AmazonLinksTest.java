package org.cftrec.dataset.amazon;

import org.cftrec.api.data.DatasetSource;
import org.cftrec.api.testing.LinkEscapes;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Every file of amazon-d3 and amazon-2018, replaced by a link (and a link to a link) out of the allowed roots. */
public class AmazonLinksTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void d3LayoutFilesThatAreLinksOutOfTheRootsAreRefused() throws Exception {
        Path root = folder.newFolder("root").toPath();
        Path d3 = Files.createDirectories(root.resolve("d3"));
        Files.createDirectories(d3.resolve("info"));
        Files.writeString(d3.resolve("info/S.txt"), "<a_1>\tHammer\t0\n<a_2>\tNails\t1\n<a_3>\tSaw\t2\n");
        for (String split : List.of("train", "valid", "test")) {
            Files.createDirectories(d3.resolve(split));
            Files.writeString(d3.resolve(split).resolve("S.csv"), "user_id,history_item_title,item_title,history_item_id,item_id\n"
                    + "U1,\"['Hammer', 'Saw']\",Nails,\"[0, 2]\",1\n");
        }
        List<String> files = List.of("info/S.txt", "train/S.csv", "valid/S.csv", "test/S.csv");
        DatasetSource source = new D3CsvDataset().bind(new D3CsvDataset.Params("d3", "S", null, null, 10, null));
        LinkEscapes.assertDatasetRefusesEveryLink(root, folder.newFolder("outside").toPath(), d3, files, source);
    }

    @Test
    public void rawAmazonFilesThatAreLinksOutOfTheRootsAreRefused() throws Exception {
        Path root = folder.newFolder("root").toPath();
        Path raw = Files.createDirectories(root.resolve("raw"));
        StringBuilder reviews = new StringBuilder();
        for (int u = 0; u < 3; u++) {
            for (int i = 0; i < 3; i++) {
                reviews.append(String.format("{\"reviewerID\": \"U%d\", \"asin\": \"B0%d\", \"overall\": 4.0,"
                        + " \"unixReviewTime\": %d}%n", u, (i + u) % 3, 1_520_000_000L + (u * 3L + i) * 3600));
            }
        }
        Files.writeString(raw.resolve("Tools_5.json"), reviews);
        Files.writeString(raw.resolve("meta_Tools.json"), "{\"asin\": \"B00\", \"title\": \"Hammer\"}\n"
                + "{\"asin\": \"B01\", \"title\": \"Saw\"}\n{\"asin\": \"B02\", \"title\": \"Nails\"}\n");
        List<String> files = List.of("Tools_5.json", "meta_Tools.json");
        DatasetSource source = new Amazon2018Dataset().bind(new Amazon2018Dataset.Params("raw", "Tools", null, null,
                0, 3, null, null, null));
        LinkEscapes.assertDatasetRefusesEveryLink(root, folder.newFolder("outside").toPath(), raw, files, source);
    }
}
