package org.cftrec.dataset.amazon;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import org.cftrec.api.data.LineReader;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The D3 / BIGRec CSV files through jackson-dataformat-csv: a header line, then RFC 4180 records, whose quoted
 * fields may hold commas, doubled quotes and line breaks (a title with a newline is read back as written).
 */
final class CsvFiles {
    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvParser.Feature.FAIL_ON_MISSING_COLUMNS)
            .disable(CsvParser.Feature.IGNORE_TRAILING_UNMAPPABLE)
            .enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING) // quote only where needed, as pandas does
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET) // the caller owns the stream
            .build();

    private CsvFiles() {
    }

    /** Receives one record, column name to value; throws {@link IllegalArgumentException} if it is malformed. */
    @FunctionalInterface
    interface RecordHandler {
        void accept(Map<String, String> record) throws IOException;
    }

    /**
     * Reads the records of {@code file} (strict UTF-8). Every error (missing file or column, a record with more or
     * fewer fields than the header, bad encoding, a record the handler rejects, a file cut short) names the file
     * and the line.
     */
    static void read(Path file, List<String> requiredColumns, RecordHandler handler) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        long line = 1;
        if (Files.isRegularFile(file) && Files.size(file) == 0) {
            throw new IOException(file + ": the file is empty; expected a header line (" + String.join(",",
                    requiredColumns) + ") and records");
        }
        try (Reader reader = new InputStreamReader(Files.newInputStream(file), decoder);
             MappingIterator<Map<String, String>> records = CSV.readerForMapOf(String.class)
                     .with(CsvSchema.emptySchema().withHeader()).readValues(reader)) {
            boolean more = records.hasNextValue(); // reads the header
            List<String> header = new ArrayList<>();
            ((CsvSchema) records.getParser().getSchema()).forEach(c -> header.add(c.getName()));
            for (String needed : requiredColumns) {
                if (!header.contains(needed)) {
                    throw new IOException(file + ":1: header lacks column " + needed + "; found " + header);
                }
            }
            while (more) {
                line = records.getCurrentLocation().getLineNr();
                Map<String, String> record = records.nextValue();
                try {
                    handler.accept(record);
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ":" + line + ": " + e.getMessage(), e);
                }
                more = records.hasNextValue();
            }
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": file not found", e);
        } catch (CharacterCodingException e) {
            throw new IOException(file + ":" + line + ": not valid UTF-8 text", e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            long at = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? line : e.getLocation().getLineNr();
            throw new IOException(file + ":" + at + ": " + e.getOriginalMessage(), e);
        }
        LineReader.requireFinalNewline(file);
    }

    /** Writes a header and the rows, quoting a field where it holds a comma, a quote or a line break. */
    static void write(OutputStream out, List<String> columns, Iterable<List<String>> rows) throws IOException {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        try (SequenceWriter lines = CSV.writer(CsvSchema.emptySchema()).writeValues(writer)) {
            lines.write(columns);
            for (List<String> row : rows) {
                lines.write(row);
            }
        }
        writer.flush();
    }
}
