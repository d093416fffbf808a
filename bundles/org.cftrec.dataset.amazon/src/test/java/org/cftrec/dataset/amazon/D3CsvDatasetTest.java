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
                    + "U1,\"['Hammer, \"\"Claw\"\" 16 oz', \"\"Saw's Edge\"\"]\",Nails,\"[0, 2]\",1\n"
                    + "U2,\"['Nails']\",Hammer,[1],0\n");
        }
        return dir;
    }

    private static RecDataset load(Path dir, Boolean allowMissingTrain) throws IOException {
        return new D3CsvDataset().bind(new D3CsvDataset.Params(dir.toString(), "S", null, allowMissingTrain, 10, null)).load(new PluginContext(1, dir, dir));
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
        assertEquals(List.of("a, b", "it's", "x\"y"), PythonLists.pythonList("['a, b', \"it's\", 'x\\\"y']"));
        assertEquals(List.of("12", "7"), PythonLists.pythonList("[12, 7]"));
        assertEquals(List.of(), PythonLists.pythonList("[]"));
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
        String message = assertThrows(IOException.class, () -> load(dir, null)).getMessage();
        assertTrue(message, message.endsWith("test/S.csv:2: item id 9 is not in S.txt"));
        Files.writeString(dir.resolve("test/S.csv"), HEADER + "U1,x,y,\"0, 9\",1\n");
        message = assertThrows(IOException.class, () -> load(dir, null)).getMessage();
        assertTrue(message, message.contains("test/S.csv:2: expected a Python list literal"));
    }

    @Test
    public void aQuotedFieldWithALineBreakIsReadBackAsWritten() throws Exception {
        // pandas quotes a title holding a newline; the record then spans two lines of the file.
        Path dir = fixture(true);
        Files.writeString(dir.resolve("test/S.csv"), HEADER + "U1,\"['Two\nlines']\",Nails,[0],1\nU2,x,y,[2],0\n");
        assertEquals(List.of(new Example("U1", List.of("0"), "1"), new Example("U2", List.of("2"), "0")),
                load(dir, null).test());
        try (var out = new java.io.ByteArrayOutputStream()) {
            CsvFiles.write(out, List.of("a", "b"), List.of(List.of("Two\nlines", "x,\"y\""), List.of("plain", "")));
            assertEquals("a,b\n\"Two\nlines\",\"x,\"\"y\"\"\"\nplain,\n", out.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    public void recordsWithTheWrongNumberOfFieldsOrACutLastLineNameFileAndLine() throws Exception {
        Path dir = fixture(true);
        Files.writeString(dir.resolve("test/S.csv"), HEADER + "U1,x,y,[0],1\nU2,x,y,[2],0,extra\n");
        String message = assertThrows(IOException.class, () -> load(dir, null)).getMessage();
        assertTrue(message, message.contains("test/S.csv:3: "));
        Files.writeString(dir.resolve("test/S.csv"), HEADER + "U1,x,y,[0],1\nU2,x,y,[2],0");
        message = assertThrows(IOException.class, () -> load(dir, null)).getMessage();
        assertTrue(message, message.endsWith("test/S.csv: the last line does not end with a newline, so the file may be"
                + " cut short (an interrupted copy or download); if the line is complete, end it with a newline"));
        Files.writeString(dir.resolve("test/S.csv"), "user_id,item_id\nU1,1\n");
        message = assertThrows(IOException.class, () -> load(dir, null)).getMessage();
        assertTrue(message, message.endsWith("test/S.csv:1: header lacks column history_item_id; found [user_id, item_id]"));
        Files.writeString(dir.resolve("test/S.csv"), "");
        message = assertThrows(IOException.class, () -> load(dir, null)).getMessage();
        assertTrue(message, message.endsWith("test/S.csv: the file is empty; expected a header line (user_id,"
                + "history_item_id,item_id) and records"));
    }
}
