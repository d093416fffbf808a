package org.cftrec.runtime.run;

import org.cftrec.api.run.RunStatus;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/** One owner per runs folder; a runtime that does not own it leaves the owner's live runs as they are. */
public class RunsFolderLockTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void theFirstRuntimeOwnsTheFolderUntilItLetsGo() throws Exception {
        Path runs = tmp.getRoot().toPath().resolve("runs");
        try (RunsFolderLock first = RunsFolderLock.acquire(runs)) {
            assertTrue(first.owned());
            try (RunsFolderLock second = RunsFolderLock.acquire(runs)) {
                assertFalse("a second runtime on the same folder does not own it", second.owned());
            }
        }
        try (RunsFolderLock after = RunsFolderLock.acquire(runs)) {
            assertTrue("released with its owner", after.owned());
        }
    }

    @Test
    public void onlyTheOwnerMarksRunsOfAnEarlierSessionInterrupted() throws Exception {
        Path runs = tmp.getRoot().toPath().resolve("runs");
        RunState live = new RunState(RunDirectory.create(runs, "live"), "live");
        live.running();
        live.persist();
        String id = live.directory().id();
        Map<String, RunState> read = RunHistory.restore(runs, false);
        assertEquals("another runtime's live run stays as it is", RunStatus.RUNNING, read.get(id).status());
        assertEquals(RunStatus.RUNNING, RunHistory.restore(runs, false).get(id).status());
        Map<String, RunState> owned = RunHistory.restore(runs, true);
        assertTrue(owned.get(id).status().finished());
        assertEquals("and the owner's verdict is on disk", owned.get(id).status(),
                RunHistory.restore(runs, false).get(id).status());
    }
}
