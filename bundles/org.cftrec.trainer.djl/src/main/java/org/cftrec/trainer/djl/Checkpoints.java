package org.cftrec.trainer.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cftrec.api.AtomicFiles;
import org.cftrec.djl.NDArrayFiles;

import java.io.IOException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A checkpoint is a folder: weights.safetensors, optimizer.safetensors and state.json. It is written
 * complete under a temporary name and then renamed into place, so a crash never leaves a partial one.
 */
final class Checkpoints {
    static final String WEIGHTS = "weights.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String STATE = "state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoints() {
    }

    static void save(Path target, Map<String, NDArray> weights, AdamW optimizer, TrainerState state) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = AtomicFiles.createTemporaryFolderBeside(target);
        try {
            // Streamed in slices (NDArrayFiles): a real model's weights (2 GB for 0.5B parameters) and moments (4 GB)
            // are never copied whole out of the engine.
            write(weights, temp.resolve(WEIGHTS));
            write(optimizer.state(), temp.resolve(OPTIMIZER));
            Files.write(temp.resolve(STATE), JSON.writeValueAsBytes(state));
            Path old = parent.resolve("." + target.getFileName() + ".old");
            AtomicFiles.deleteRecursively(old);
            if (Files.exists(target)) {
                Files.move(target, old);
            }
            AtomicFiles.moveIntoPlace(temp, target);
            AtomicFiles.deleteRecursively(old);
        } finally {
            AtomicFiles.deleteRecursively(temp);
        }
    }

    /**
     * Cleans up after a process that died inside {@link #save}: removes its partial temporary folders
     * ({@code .last-*}) and, if it died between moving the old checkpoint aside and the new one into place, puts
     * the old one back (it is complete).
     */
    static void recover(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) {
            return;
        }
        String name = target.getFileName().toString();
        try (var entries = Files.list(parent)) {
            for (Path entry : entries.toList()) {
                if (entry.getFileName().toString().startsWith("." + name + "-")) {
                    AtomicFiles.deleteRecursively(entry);
                }
            }
        }
        Path old = parent.resolve("." + name + ".old");
        if (Files.isDirectory(old)) {
            if (Files.exists(target)) {
                AtomicFiles.deleteRecursively(old);
            } else {
                AtomicFiles.moveIntoPlace(old, target);
            }
        }
    }

    private static void write(Map<String, NDArray> arrays, Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            NDArrayFiles.write(out, arrays);
        }
    }

    /**
     * Puts a checkpoint's weights (and, with an optimizer, its moments) back into the live arrays, one array at a
     * time: the memory beyond the model is one array, not the checkpoint.
     *
     * @param optimizer null to restore the weights only
     * @return the trainer state saved with them
     */
    static TrainerState restore(Path folder, Map<String, NDArray> weights, AdamW optimizer, NDManager scratch)
            throws IOException {
        for (String file : new String[] {WEIGHTS, OPTIMIZER, STATE}) {
            if (!Files.isRegularFile(folder.resolve(file))) {
                throw new IOException("checkpoint " + folder + " lacks " + file);
            }
        }
        readInto(folder.resolve(WEIGHTS), weights, scratch);
        if (optimizer != null) {
            readInto(folder.resolve(OPTIMIZER), optimizer.state(), scratch);
        }
        return JSON.readValue(folder.resolve(STATE).toFile(), TrainerState.class);
    }

    private static void readInto(Path file, Map<String, NDArray> targets, NDManager scratch) throws IOException {
        Set<String> missing = new TreeSet<>(targets.keySet());
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
            NDArrayFiles.read(in, scratch, (name, saved) -> {
                NDArray target = targets.get(name);
                if (target != null) {
                    copyInto(name, saved, target);
                    missing.remove(name);
                }
            });
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("checkpoint " + file + " lacks " + missing.iterator().next()
                    + (missing.size() > 1 ? " and " + (missing.size() - 1) + " more arrays" : "")
                    + " (saved from another model or adapter set?)");
        }
    }

    /** Overwrites {@code target}'s values with the saved array's. */
    private static void copyInto(String name, NDArray saved, NDArray target) {
        if (!saved.getShape().equals(target.getShape())) {
            throw new IllegalStateException("checkpoint array " + name + " has shape " + saved.getShape()
                    + ", the model has " + target.getShape());
        }
        target.set(saved.toDevice(target.getDevice(), false).toType(target.getDataType(), false).toByteBuffer());
    }
}
