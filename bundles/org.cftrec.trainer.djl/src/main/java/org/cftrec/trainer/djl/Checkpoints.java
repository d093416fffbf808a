package org.cftrec.trainer.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cftrec.api.AtomicFiles;

import java.io.IOException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /** What a checkpoint holds, loaded into {@code manager}. */
    record Loaded(Map<String, NDArray> weights, Map<String, NDArray> optimizer, TrainerState state) {
    }

    static void save(Path target, Map<String, NDArray> weights, AdamW optimizer, TrainerState state) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = AtomicFiles.createTemporaryFolderBeside(target);
        try {
            NDList named = new NDList();
            weights.forEach((name, array) -> {
                array.setName(name);
                named.add(array);
            });
            // Streamed, array by array: a real model's weights (2 GB for 0.5B parameters) and moments (4 GB) do not
            // fit the byte[] that NDList.encode(Encoding) builds.
            encode(named, temp.resolve(WEIGHTS));
            encode(optimizer.state(), temp.resolve(OPTIMIZER));
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

    private static void encode(NDList arrays, Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            arrays.encode(out, NDList.Encoding.SAFETENSORS);
        }
    }

    static Loaded load(Path folder, NDManager manager) throws IOException {
        for (String file : new String[] {WEIGHTS, OPTIMIZER, STATE}) {
            if (!Files.isRegularFile(folder.resolve(file))) {
                throw new IOException("checkpoint " + folder + " lacks " + file);
            }
        }
        return new Loaded(read(folder.resolve(WEIGHTS), manager), read(folder.resolve(OPTIMIZER), manager),
                JSON.readValue(folder.resolve(STATE).toFile(), TrainerState.class));
    }

    private static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
            for (NDArray array : NDList.decode(manager, in)) {
                arrays.put(array.getName(), array);
            }
        }
        return arrays;
    }

    /** Overwrites {@code target}'s values with the saved array of that name. */
    static void copyInto(Map<String, NDArray> saved, String name, NDArray target) {
        NDArray source = saved.get(name);
        if (source == null) {
            throw new IllegalStateException("checkpoint lacks " + name);
        }
        if (!source.getShape().equals(target.getShape())) {
            throw new IllegalStateException("checkpoint array " + name + " has shape " + source.getShape()
                    + ", the model has " + target.getShape());
        }
        target.set(source.toDevice(target.getDevice(), false).toType(target.getDataType(), false).toByteBuffer());
    }
}
