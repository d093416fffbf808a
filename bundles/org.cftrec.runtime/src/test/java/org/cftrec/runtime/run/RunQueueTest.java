package org.cftrec.runtime.run;

import org.cftrec.api.run.RunStatus;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/** A plugin that never returns must not hold the queue: interrupted after the grace, then abandoned. */
public class RunQueueTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private RunState state(String name) throws Exception {
        return new RunState(RunDirectory.create(tmp.getRoot().toPath(), name), name);
    }

    /** Sleeps until released, swallowing interrupts: the worst plugin there is. */
    private static void ignoreInterrupts(CountDownLatch release) {
        while (release.getCount() > 0) {
            try {
                release.await();
            } catch (InterruptedException e) {
                // a hostile plugin swallows it
            }
        }
    }

    @Test
    public void aRunStuckInAPluginIsAbandonedAfterTheGraceAndTheNextRunStarts() throws Exception {
        RunQueue queue = new RunQueue(Duration.ofMillis(500), Duration.ofMillis(500));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch secondRan = new CountDownLatch(1);
        RunState stuck = state("stuck");
        RunState next = state("next");
        queue.submit(stuck, () -> {
            stuck.running();
            ignoreInterrupts(release);
            stuck.finish(RunStatus.SUCCEEDED, "too late");
        }, () -> false);
        queue.submit(next, secondRan::countDown, () -> false);
        Thread.sleep(300);
        assertEquals("the second run waits while the first runs", 1, secondRan.getCount());
        stuck.requestStop(StopReason.CANCEL);
        assertTrue("the queue did not move on", secondRan.await(10, TimeUnit.SECONDS));
        assertEquals(RunStatus.FAILED, stuck.status());
        String message = stuck.snapshot().message();
        assertTrue(message, message.startsWith("cancelled on request, but the run did not stop within"));
        assertTrue(message, message.contains("ignoreInterrupts"));
        release.countDown();
        Thread.sleep(200);
        assertEquals("the abandoned thread's late finish changes nothing", RunStatus.FAILED, stuck.status());
        queue.shutdown(1000);
    }

    @Test
    public void aPluginThatAnswersTheInterruptEndsWithoutBeingAbandoned() throws Exception {
        RunQueue queue = new RunQueue(Duration.ofMillis(300), Duration.ofSeconds(30));
        RunState sleeper = state("sleeper");
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        queue.submit(sleeper, () -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            done.countDown();
        }, () -> false);
        Thread.sleep(100);
        sleeper.requestStop(StopReason.CANCEL);
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertTrue(interrupted.get());
        assertFalse(sleeper.status() == RunStatus.FAILED);
        queue.shutdown(1000);
    }

    @Test
    public void aPluginGoingAwayIsAStopRequestEvenWhileTheRunIsInsideIt() throws Exception {
        RunQueue queue = new RunQueue(Duration.ofSeconds(30), Duration.ofSeconds(30));
        RunState run = state("orphaned");
        AtomicBoolean gone = new AtomicBoolean();
        CountDownLatch release = new CountDownLatch(1);
        queue.submit(run, () -> ignoreInterrupts(release), gone::get);
        Thread.sleep(1500);
        assertFalse(run.stopRequested());
        gone.set(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!run.stopRequested() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(StopReason.PLUGIN_LOST, run.stopReason());
        release.countDown();
        queue.shutdown(1000);
    }
}
