package org.cftrec.runtime.run;

import org.cftrec.api.AtomicFiles;
import org.cftrec.runtime.spec.SpecJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The folder of one run: resolved spec, provenance, log, per-step metrics, checkpoints, models and results.
 * JSON documents are replaced atomically; the log and the metrics are append-only lines.
 */
public final class RunDirectory {
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path root;

    public RunDirectory(Path root) {
        this.root = root;
    }

    /** Creates a new, uniquely named run folder under {@code runsRoot}. */
    public static RunDirectory create(Path runsRoot, String name) throws IOException {
        Files.createDirectories(runsRoot);
        String stem = LocalDateTime.now(ZoneOffset.UTC).format(ID_TIME) + "-" + name;
        for (int n = 1; ; n++) {
            Path candidate = runsRoot.resolve(n == 1 ? stem : stem + "-" + n);
            try {
                Files.createDirectory(candidate);
                return new RunDirectory(candidate);
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                // a run with the same name started in the same second: try the next suffix
            }
        }
    }

    public Path root() {
        return root;
    }

    public String id() {
        return root.getFileName().toString();
    }

    public Path resolve(String first, String... more) {
        return root.resolve(Path.of(first, more).toString());
    }

    public void writeJson(String file, Object value) {
        try {
            AtomicFiles.write(root.resolve(file), SpecJson.MAPPER.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + root.resolve(file), e);
        }
    }

    public synchronized void log(String line) {
        append("run.log", Instant.now() + " " + line);
    }

    public synchronized void appendJsonLine(String file, Object value) {
        try {
            append(file, SpecJson.oneLine(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Removes the JSON lines of {@code file} that {@code stale} matches (rewritten under a temporary name and
     * renamed); a file that does not exist has nothing to remove.
     */
    public synchronized void dropJsonLines(String file, java.util.function.Predicate<com.fasterxml.jackson.databind.JsonNode> stale) {
        Path path = root.resolve(file);
        if (!Files.isRegularFile(path)) {
            return;
        }
        try {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                com.fasterxml.jackson.databind.JsonNode row;
                try {
                    row = SpecJson.MAPPER.readTree(line);
                } catch (IOException e) {
                    continue; // a line cut by a crash mid-write: drop it with the stale rows
                }
                if (!stale.test(row)) {
                    kept.add(line);
                }
            }
            AtomicFiles.write(path, (String.join("\n", kept) + (kept.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + path, e);
        }
    }

    private void append(String file, String line) {
        try {
            Files.writeString(root.resolve(file), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + root.resolve(file), e);
        }
    }
}
