package org.cftrec.dataset.movielens;

import org.cftrec.api.PluginContext;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.Assert.assertTrue;

/**
 * A generated corpus of malformed data rows: each field of a valid u.data row replaced by values of the wrong
 * kind, fields added and dropped, separators changed, the file cut at every byte. Each load must either work (some
 * rows stay valid) or fail with an IOException naming the file and the line; nothing else may escape.
 */
public class RatingRowCorpusTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static final String ITEMS = "1|Toy Story (1995)|01-Jan-1995||url|0|0\n2|Heat (1995)|01-Jan-1995||url|0|0\n"
            + "3|Fargo (1996)|01-Jan-1996||url|0|0\n";
    private static final String GOOD = "7\t1\t4\t100\n7\t2\t5\t200\n7\t3\t3\t300\n9\t1\t5\t50\n9\t3\t4\t60\n9\t2\t4\t70\n";
    private static final List<String> WRONG = List.of("", "x", "-1", "1.5", "1e309", "99999999999999999999", "0",
            "NaN", " 1", "1 ", "\u00e9", "1\t2", "$(id)", "../../etc/passwd");

    @Test
    public void everyMalformedRowEndsInAnErrorNamingFileAndLine() throws Exception {
        List<String> cases = new ArrayList<>();
        String[] first = GOOD.split("\n")[1].split("\t");
        for (int field = 0; field < first.length; field++) {
            for (String wrong : WRONG) {
                String[] row = first.clone();
                row[field] = wrong;
                cases.add(GOOD.replace(GOOD.split("\n")[1], String.join("\t", row)));
            }
        }
        cases.add(GOOD.replace("7\t2\t5\t200", "7\t2\t5"));
        cases.add(GOOD.replace("7\t2\t5\t200", "7\t2\t5\t200\t1"));
        cases.add(GOOD.replace("7\t2\t5\t200", "7,2,5,200"));
        cases.add(GOOD.replace("7\t2\t5\t200", "7 2 5 200"));
        for (int cut = 1; cut < GOOD.length() - 1; cut++) {
            cases.add(GOOD.substring(0, cut));
        }
        int named = 0;
        List<String> escaped = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Path dir = tmp.newFolder("case" + i).toPath();
            Files.write(dir.resolve("u.item"), ITEMS.getBytes(StandardCharsets.ISO_8859_1));
            Files.write(dir.resolve("u.data"), cases.get(i).getBytes(StandardCharsets.UTF_8));
            try {
                new MovieLensDataset().bind(new MovieLensDataset.Params(dir.toString(), null, 2, null)).load(new PluginContext(1, dir, dir));
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().matches("(?s)\\Q" + dir.resolve("u.data") + "\\E:\\d+: .*")) {
                    named++;
                } else {
                    escaped.add("unnamed: " + e.getMessage() + " <- " + cases.get(i).replace("\n", "\\n"));
                }
            } catch (Throwable e) {
                escaped.add(e + " <- " + cases.get(i).replace("\n", "\\n"));
            }
        }
        System.out.printf("data row corpus: %d cases, %d named errors, %d loaded%n", cases.size(), named,
                cases.size() - named - escaped.size());
        assertTrue(escaped.size() + " escaped, e.g.\n" + String.join("\n", escaped.subList(0, Math.min(10, escaped.size()))),
                escaped.isEmpty());
    }
}
