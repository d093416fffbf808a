package org.cftrec.api;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/** Confinement of data paths: every way out of the allowed roots that a spec or a data folder could offer. */
public class PluginContextTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path root;
    private Path outside;
    private PluginContext context;

    private void setUp() throws Exception {
        root = tmp.newFolder("root").toPath();
        outside = tmp.newFolder("outside").toPath();
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("data/items.txt"), "a\tb\n");
        context = new PluginContext(1, root, tmp.newFolder("work").toPath(), List.of(root));
    }

    @Test
    public void pathsInsideTheRootResolve() throws Exception {
        setUp();
        Path folder = context.resolveData("data");
        assertEquals(root.toRealPath().resolve("data"), folder);
        assertEquals(folder.resolve("items.txt"), context.resolveDataFile(folder, "items", "items.txt"));
        // A file that does not exist yet still resolves (the plugin reports it missing with its own message).
        assertEquals(folder.resolve("train/x.csv"), context.resolveDataFile(folder, "stem", "train/x.csv"));
    }

    @Test
    public void dotDotAndAbsolutePathsOutOfTheRootAreRefused() throws Exception {
        setUp();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> context.resolveData("../outside"));
        assertTrue(e.getMessage(), e.getMessage().contains("outside the allowed data roots"));
        assertThrows(IllegalArgumentException.class, () -> context.resolveData(outside.toString()));
        assertThrows(IllegalArgumentException.class, () -> context.resolveData("/etc"));
    }

    @Test
    public void fileNameParametersCannotLeaveTheirFolder() throws Exception {
        setUp();
        Path folder = context.resolveData("data");
        for (String name : List.of("/etc/passwd", "../../outside/secret.txt", "..", "", "sub/../../x")) {
            IllegalArgumentException e = assertThrows(name, IllegalArgumentException.class,
                    () -> context.resolveDataFile(folder, "items", name));
            assertTrue(e.getMessage(), e.getMessage().startsWith("items '" + name + "'"));
        }
    }

    @Test
    public void symbolicLinksAreFollowedBeforeTheCheck() throws Exception {
        setUp();
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("data/items-link.txt"), outside.resolve("secret.txt"));
        assertThrows(IllegalArgumentException.class, () -> context.resolveData("escape"));
        assertThrows(IllegalArgumentException.class, () -> context.resolveData("escape/secret.txt"));
        // A link behind a file that does not exist yet is resolved through its existing ancestor.
        assertThrows(IllegalArgumentException.class, () -> context.resolveData("escape/not-yet/there.txt"));
        Path folder = context.resolveData("data");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> context.resolveDataFile(folder, "items", "items-link.txt"));
        assertTrue(e.getMessage(), e.getMessage().contains("is a link to"));
    }

    @Test
    public void aRootThatIsItselfALinkStillAdmitsItsOwnFiles() throws Exception {
        setUp();
        Path linkedRoot = tmp.getRoot().toPath().resolve("linked-root");
        Files.createSymbolicLink(linkedRoot, root);
        PluginContext viaLink = new PluginContext(1, linkedRoot, root, List.of(linkedRoot));
        assertEquals(root.toRealPath().resolve("data"), viaLink.resolveData("data"));
    }

    @Test
    public void danglingLinksAreNamed() throws Exception {
        setUp();
        Files.createSymbolicLink(root.resolve("dangling"), outside.resolve("missing"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> context.resolveData("dangling/x"));
        assertTrue(e.getMessage(), e.getMessage().contains("link to a missing file"));
    }

    @Test
    public void withoutRootsOnlyFileNamesAreConfinedToTheirFolder() throws Exception {
        setUp();
        PluginContext open = new PluginContext(1, root, root);
        assertEquals(outside.toRealPath(), open.resolveData(outside.toString()));
        assertThrows(IllegalArgumentException.class,
                () -> open.resolveDataFile(open.resolveData("data"), "items", "/etc/passwd"));
    }
}
