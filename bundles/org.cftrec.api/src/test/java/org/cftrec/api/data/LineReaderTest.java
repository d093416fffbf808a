package org.cftrec.api.data;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

public class LineReaderTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static List<String> lines(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        LineReader.read(file, StandardCharsets.UTF_8, 0, (line, n) -> lines.add(n + ":" + line));
        return lines;
    }

    @Test
    public void completeFilesReadWithTheirLineNumbers() throws Exception {
        Path file = tmp.newFile("ok.tsv").toPath();
        Files.writeString(file, "1\t1291\n\n2\t7\r\n");
        assertEquals(List.of("1:1\t1291", "3:2\t7"), lines(file));
    }

    @Test
    public void aFileWithoutDataLinesIsNamed() throws Exception {
        Path empty = tmp.newFile("u.data").toPath();
        IOException e = assertThrows(IOException.class, () -> LineReader.read(empty, StandardCharsets.UTF_8, 0, (l, n) -> { }));
        assertEquals(empty + ": holds no data lines (the file is empty)", e.getMessage());
        Path header = tmp.newFile("sequences.tsv").toPath();
        Files.writeString(header, "seq_id\tsplit\titem_ids\n\n");
        e = assertThrows(IOException.class, () -> LineReader.read(header, StandardCharsets.UTF_8, 1, (l, n) -> { }));
        assertEquals(header + ": holds no data lines (only 2 header or blank line(s))", e.getMessage());
    }

    @Test
    public void aLastLineWithoutNewlineIsACutFileAndNamed() throws Exception {
        Path file = tmp.newFile("cut.tsv").toPath();
        Files.writeString(file, "1\t1291\n2\t12");
        IOException e = assertThrows(IOException.class, () -> lines(file));
        assertEquals(file + ":2: the last line does not end with a newline, so the file may be cut short (an"
                + " interrupted copy or download); if the line is complete, end it with a newline", e.getMessage());
    }

    @Test
    public void aCutCompressedStreamIsCaughtToo() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write("{\"a\": 1}\n{\"a\": 2".getBytes(StandardCharsets.UTF_8));
        }
        Path file = tmp.newFile("cut.json.gz").toPath();
        IOException e = assertThrows(IOException.class, () -> LineReader.read(new java.util.zip.GZIPInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray())), file, StandardCharsets.UTF_8, 0, (l, n) -> { }));
        assertEquals(file + ":2: the last line does not end with a newline, so the file may be cut short (an"
                + " interrupted copy or download); if the line is complete, end it with a newline", e.getMessage());
    }
}
