package org.cftrec.trainer.djl;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/** What a process killed inside Checkpoints.save leaves behind, and how the next start cleans it up. */
public class CheckpointRecoveryTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void partialTemporaryFoldersOfAKilledSaveAreRemoved() throws Exception {
        Path dir = tmp.newFolder("checkpoints").toPath();
        Path last = Files.createDirectories(dir.resolve("last"));
        Files.writeString(last.resolve(Checkpoints.STATE), "complete");
        Path partial = Files.createDirectories(dir.resolve(".last-8231"));
        Files.write(partial.resolve(Checkpoints.WEIGHTS), new byte[1024]);
        Path otherCheckpoint = Files.createDirectories(dir.resolve(".best-77"));
        Checkpoints.recover(last);
        assertFalse(Files.exists(partial));
        assertTrue("only last's temporaries go", Files.exists(otherCheckpoint));
        assertEquals("complete", Files.readString(last.resolve(Checkpoints.STATE)));
    }

    @Test
    public void aCheckpointMovedAsideJustBeforeTheKillIsPutBack() throws Exception {
        Path dir = tmp.newFolder("checkpoints").toPath();
        Path old = Files.createDirectories(dir.resolve(".last.old"));
        Files.writeString(old.resolve(Checkpoints.STATE), "step 40");
        Path last = dir.resolve("last");
        Checkpoints.recover(last);
        assertEquals("step 40", Files.readString(last.resolve(Checkpoints.STATE)));
        assertFalse(Files.exists(old));
    }

    @Test
    public void aStaleOldCopyBesideACompleteCheckpointIsDropped() throws Exception {
        Path dir = tmp.newFolder("checkpoints").toPath();
        Path last = Files.createDirectories(dir.resolve("last"));
        Files.writeString(last.resolve(Checkpoints.STATE), "step 60");
        Files.createDirectories(dir.resolve(".last.old"));
        Checkpoints.recover(last);
        assertFalse(Files.exists(dir.resolve(".last.old")));
        assertEquals("step 60", Files.readString(last.resolve(Checkpoints.STATE)));
        Checkpoints.recover(tmp.getRoot().toPath().resolve("absent/last")); // nothing there: nothing to do
    }
}
