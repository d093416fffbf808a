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
    public void aRunStuckInAPluginIsAbandonedAndNoRunStartsUntilItsThreadEnds() throws Exception {
        RunQueue queue = new RunQueue(Duration.ofMillis(500), Duration.ofMillis(500));
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean secondRan = new AtomicBoolean();
        RunState stuck = state("stuck");
        RunState next = state("next");
        queue.submit(stuck, () -> {
            stuck.running();
            ignoreInterrupts(release);
            stuck.finish(RunStatus.SUCCEEDED, "too late");
        }, () -> false);
        queue.submit(next, () -> secondRan.set(true), () -> false);
        Thread.sleep(300);
        assertEquals("the second run waits while the first runs", RunStatus.QUEUED, next.status());
        assertTrue(queue.leftBehind().isEmpty());
        stuck.requestStop(StopReason.CANCEL);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!next.status().finished() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(RunStatus.FAILED, stuck.status());
        String message = stuck.snapshot().message();
        assertTrue(message, message.startsWith("cancelled on request, but the run did not stop within"));
        assertTrue(message, message.contains("ignoreInterrupts"));
        assertTrue(message, message.contains("no run can start until the runtime restarts"));
        // The run queued behind it does not start beside a thread that may hold the engine: it fails with why.
        assertEquals(RunStatus.FAILED, next.status());
        assertFalse(secondRan.get());
        String refusal = next.snapshot().message();
        assertTrue(refusal, refusal.startsWith("not started: the thread of run " + stuck.directory().id()
                + " was abandoned"));
        assertTrue(refusal, refusal.contains("Restart the runtime"));
        assertTrue(queue.leftBehind().isPresent());

        // Once the abandoned thread ends (the plugin returned after all), runs start again by themselves.
        release.countDown();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (queue.leftBehind().isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue("the ended thread still blocks runs", queue.leftBehind().isEmpty());
        assertEquals("the abandoned thread's late finish changes nothing", RunStatus.FAILED, stuck.status());
        CountDownLatch third = new CountDownLatch(1);
        queue.submit(state("third"), third::countDown, () -> false);
        assertTrue("a run after the thread ended did not start", third.await(10, TimeUnit.SECONDS));
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
