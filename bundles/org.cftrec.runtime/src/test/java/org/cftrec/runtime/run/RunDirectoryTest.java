package org.cftrec.runtime.run;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;

public class RunDirectoryTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void rowsAResumeWillWriteAgainAreDroppedAndOthersKept() throws Exception {
        RunDirectory dir = RunDirectory.create(tmp.getRoot().toPath(), "x");
        for (int step = 1; step <= 4; step++) {
            dir.appendJsonLine("metrics.jsonl", Map.of("variant", "sft", "step", step));
            dir.appendJsonLine("metrics.jsonl", Map.of("variant", "cft", "step", step));
        }
        Files.writeString(dir.root().resolve("metrics.jsonl"), "{\"variant\": \"cft\", \"st", java.nio.file.StandardOpenOption.APPEND);
        dir.dropJsonLines("metrics.jsonl", row -> row.path("variant").asText().equals("cft") && row.path("step").asInt() >= 3);
        List<String> rows = Files.readAllLines(dir.root().resolve("metrics.jsonl"));
        assertEquals(6, rows.size());
        assertEquals(List.of(1, 2), rows.stream().filter(r -> r.contains("cft"))
                .map(r -> Integer.parseInt(r.replaceAll("\\D", ""))).toList());
        dir.dropJsonLines("absent.jsonl", row -> true);
    }
}
