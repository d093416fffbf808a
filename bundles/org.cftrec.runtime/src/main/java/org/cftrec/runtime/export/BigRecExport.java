package org.cftrec.runtime.export;

import com.fasterxml.jackson.databind.SerializationFeature;
import org.cftrec.api.AtomicFiles;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.Item;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.prompt.InstructionRow;
import org.cftrec.api.prompt.PromptInput;
import org.cftrec.api.prompt.PromptTemplate;
import org.cftrec.runtime.spec.SpecJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A dataset's examples as BIGRec training files: {@code train.json}, {@code valid.json} and {@code test.json},
 * each a JSON array of {instruction, input, output} rows rendered by the spec's prompt template (which must have
 * the instruction/input structure, as {@code alpaca} has). Each file is written whole and renamed into place.
 */
public final class BigRecExport {
    private BigRecExport() {
    }

    /** Writes the three files; returns the number of rows per file name. */
    public static Map<String, Integer> write(RecDataset dataset, PromptTemplate template, String templateName,
                                             Path folder) throws IOException {
        Map<String, Item> items = dataset.itemsById();
        Map<String, List<Example>> splits = new LinkedHashMap<>();
        splits.put("train.json", dataset.train());
        splits.put("valid.json", dataset.valid());
        splits.put("test.json", dataset.test());
        Map<String, List<InstructionRow>> files = new LinkedHashMap<>();
        for (Map.Entry<String, List<Example>> split : splits.entrySet()) {
            List<InstructionRow> rows = new ArrayList<>();
            for (Example e : split.getValue()) {
                PromptInput input = new PromptInput(dataset.domain(),
                        e.history().stream().map(id -> items.get(id).title()).toList(), items.get(e.target()).title());
                Optional<InstructionRow> row = template.instructionRow(input);
                if (row.isEmpty()) {
                    throw new IllegalArgumentException("prompt plugin '" + templateName
                            + "' has no instruction/input layout to export; use 'alpaca'");
                }
                rows.add(row.get());
            }
            files.put(split.getKey(), rows);
        }
        Files.createDirectories(folder);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<String, List<InstructionRow>> file : files.entrySet()) {
            AtomicFiles.write(folder.resolve(file.getKey()),
                    SpecJson.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(file.getValue()));
            counts.put(file.getKey(), file.getValue().size());
        }
        return counts;
    }
}
