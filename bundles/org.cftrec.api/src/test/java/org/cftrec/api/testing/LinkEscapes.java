package org.cftrec.api.testing;

import org.cftrec.api.PluginContext;
import org.cftrec.api.data.DatasetSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/**
 * Checks that a plugin reads none of its files through a symbolic link out of the allowed roots. For each file
 * of a working fixture, the file is moved out of the roots and replaced by a link to it, then by a link to a
 * link to it; the plugin's reading action must fail each time, with a message that says the file lies outside,
 * and must work again once the file is back. Shared by every plugin bundle's tests (this module's test-jar).
 */
public final class LinkEscapes {
    /** What a plugin does with the files of a folder under a context: load, check, open. */
    @FunctionalInterface
    public interface Reading {
        void read(PluginContext context) throws Exception;
    }

    private LinkEscapes() {
    }

    /**
     * @param root    the only allowed data root; the fixture lies in it
     * @param outside a folder outside {@code root} where the originals are moved to
     * @param folder  the plugin's folder (inside {@code root}) that holds {@code files}
     * @param files   every file the plugin reads, relative to {@code folder}
     * @param reading the plugin's reading; it must succeed on the untouched fixture
     * @return how many escapes were tried (2 per file), so the caller can assert it covered every file
     */
    public static int assertEveryLinkRefused(Path root, Path outside, Path folder, List<String> files, Reading reading)
            throws Exception {
        PluginContext context = new PluginContext(1, root, root, List.of(root));
        run(reading, context, "the untouched fixture");
        int tried = 0;
        for (String name : files) {
            Path file = folder.resolve(name);
            assertTrue(file + " is not a file of the fixture", Files.isRegularFile(file));
            Path moved = Files.createDirectories(outside.resolve("f" + tried)).resolve(file.getFileName());
            Path hop = outside.resolve("f" + tried).resolve("hop-" + file.getFileName());
            Files.move(file, moved);
            try {
                Files.createSymbolicLink(file, moved);
                assertRefused(reading, context, name + " as a link out of the roots");
                tried++;
                Files.delete(file);
                Files.createSymbolicLink(hop, moved);
                Files.createSymbolicLink(file, hop);
                assertRefused(reading, context, name + " as a link to a link out of the roots");
                tried++;
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(hop);
                Files.move(moved, file);
            }
            run(reading, context, "the fixture with " + name + " restored");
        }
        return tried;
    }

    /**
     * {@link #assertEveryLinkRefused} for a dataset source, through both of its readings: the check that
     * {@code validate} runs and the load that {@code run} runs.
     */
    public static void assertDatasetRefusesEveryLink(Path root, Path outside, Path folder, List<String> files,
                                                     DatasetSource source) throws Exception {
        assertEquals("escapes tried by checkData", 2 * files.size(),
                assertEveryLinkRefused(root, outside, folder, files, source::checkData));
        assertEquals("escapes tried by load", 2 * files.size(),
                assertEveryLinkRefused(root, outside, folder, files, source::load));
    }

    private static void run(Reading reading, PluginContext context, String what) throws Exception {
        try {
            reading.read(context);
        } catch (Exception e) {
            throw new AssertionError(what + " should be read, but: " + e, e);
        }
    }

    private static void assertRefused(Reading reading, PluginContext context, String what) {
        try {
            reading.read(context);
        } catch (IllegalArgumentException | IOException e) {
            String message = String.valueOf(e.getMessage());
            assertTrue(what + ": refused, but the message does not say the file lies outside: " + message,
                    message.contains("outside"));
            return;
        } catch (Exception e) {
            throw new AssertionError(what + ": expected a refusal naming the file, got " + e, e);
        }
        fail(what + ": was read");
    }
}
