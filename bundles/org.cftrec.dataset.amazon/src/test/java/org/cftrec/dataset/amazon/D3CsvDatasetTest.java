package org.cftrec.dataset.amazon;

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

public class D3CsvDatasetTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private static final String HEADER = "user_id,history_item_title,item_title,history_item_id,item_id\n";

    private Path fixture(boolean withTrain) throws IOException {
        Path dir = folder.newFolder("d3").toPath();
        Files.createDirectories(dir.resolve("info"));
        Files.writeString(dir.resolve("info/S.txt"), "<a_1>\tHammer, \"Claw\" 16 oz\t0\n<a_2>\tNails\t1\n<a_3>\tSaw's Edge\t2\n");
        for (String split : withTrain ? List.of("train", "valid", "test") : List.of("valid", "test")) {
            Files.createDirectories(dir.resolve(split));
            Files.writeString(dir.resolve(split).resolve("S.csv"), HEADER
                    + "U1,\"['Hammer, \"\"Claw\"\" 16 oz', \"Saw's Edge\"]\",Nails,\"[0, 2]\",1\n"
                    + "U2,\"['Nails']\",Hammer,[1],0\n");
        }
        return dir;
    }

    private static RecDataset load(Path dir, Boolean allowMissingTrain) throws IOException {
        return new D3CsvDataset().load(new D3CsvDataset.Params(dir.toString(), "S", null, allowMissingTrain, 10, null),
                new PluginContext(1, dir, dir));
    }

    @Test
    public void readsQuotedFieldsAndPythonListColumns() throws Exception {
        RecDataset d = load(fixture(true), null);
        assertEquals(List.of(new Example("U1", List.of("0", "2"), "1"), new Example("U2", List.of("1"), "0")), d.test());
        assertEquals(2, d.train().size());
        assertEquals("Hammer, \"Claw\" 16 oz", d.itemsById().get("0").title());
        assertEquals(2, d.statistics().users());
    }

    @Test
    public void pythonListsWithQuotesAndEscapes() {
        assertEquals(List.of("a, b", "it's", "x\"y"), CsvLine.pythonList("['a, b', \"it's\", 'x\\\"y']"));
        assertEquals(List.of("12", "7"), CsvLine.pythonList("[12, 7]"));
        assertEquals(List.of(), CsvLine.pythonList("[]"));
    }

    @Test
    public void missingTrainIsAnErrorUnlessAllowed() throws Exception {
        Path dir = fixture(false);
        IOException e = assertThrows(IOException.class, () -> load(dir, null));
        assertTrue(e.getMessage(), e.getMessage().endsWith("train/S.csv: file not found (set allowMissingTrain for evaluation-only sets)"));
        assertEquals(0, load(dir, true).train().size());
    }

    @Test
    public void unknownItemAndBadListNameFileAndLine() throws Exception {
        Path dir = fixture(true);
        Files.writeString(dir.resolve("test/S.csv"), HEADER + "U1,x,y,\"[0, 9]\",1\n");
        assertTrue(assertThrows(IOException.class, () -> load(dir, null)).getMessage()
                .endsWith("test/S.csv:2: item id 9 is not in S.txt"));
        Files.writeString(dir.resolve("test/S.csv"), HEADER + "U1,x,y,\"0, 9\",1\n");
        assertTrue(assertThrows(IOException.class, () -> load(dir, null)).getMessage()
                .contains("test/S.csv:2: expected a Python list literal"));
    }
}
