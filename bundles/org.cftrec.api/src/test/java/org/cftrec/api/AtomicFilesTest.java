package org.cftrec.api;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

public class AtomicFilesTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void outputsGetThePermissionsOfTheProcessUmaskLikeAnyNewFile() throws Exception {
        Path dir = tmp.getRoot().toPath();
        Path plain = dir.resolve("plain.txt");
        Files.writeString(plain, "x");
        Path plainFolder = Files.createDirectory(dir.resolve("plain-folder"));
        Path written = dir.resolve("results.json");
        AtomicFiles.write(written, "{}".getBytes());
        Path folder = AtomicFiles.createTemporaryFolderBeside(dir.resolve("last"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(written));
        assertEquals(Files.getPosixFilePermissions(plainFolder), Files.getPosixFilePermissions(folder));
        assertTrue(folder.getFileName().toString().startsWith(".last-"));
        try (var left = Files.list(dir)) {
            assertEquals("no temporary file left", 0, left.filter(p -> p.toString().endsWith(".tmp")).count());
        }
    }
}
