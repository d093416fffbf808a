package org.cftrec.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that readers (and a crash) see either the old or the new content, never a partial one:
 * the content goes to a temporary file beside the target, which is then renamed into place.
 */
public final class AtomicFiles {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private AtomicFiles() {
    }

    /** Something that writes the whole content to a stream. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = temporarySibling(target, ".tmp");
        try {
            // CREATE_NEW with the process's umask: a colleague may read what a run writes if the umask allows it
            // (Files.createTempFile would make every output owner-only).
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writer.writeTo(out);
            }
            moveIntoPlace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * A fresh folder beside {@code target} (named {@code .<target>-<random>}) for content that is renamed over
     * {@code target} when complete; created with the process's umask, like every output of a run.
     */
    public static Path createTemporaryFolderBeside(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        while (true) {
            Path folder = temporarySibling(target, "");
            try {
                return Files.createDirectory(folder);
            } catch (FileAlreadyExistsException e) {
                // another name
            }
        }
    }

    /** {@code .<target>-<random><suffix>} beside target (not created). */
    private static Path temporarySibling(Path target, String suffix) {
        return target.toAbsolutePath().getParent().resolve("." + target.getFileName() + "-"
                + Long.toUnsignedString(RANDOM.nextLong(), 36) + suffix);
    }

    /** Deletes a file or a folder with everything in it; nothing happens if it does not exist. */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Renames a finished temporary file or folder over {@code target}. */
    public static void moveIntoPlace(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
