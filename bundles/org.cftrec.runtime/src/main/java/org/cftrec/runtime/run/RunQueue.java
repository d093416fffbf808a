package org.cftrec.runtime.run;

import org.cftrec.api.run.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Runs experiments one at a time, each on a thread of its own, and keeps the queue moving when a plugin does not
 * cooperate. Runs stop at step boundaries; a watchdog checks the running one every second: once a stop has been
 * requested (cancel, a plugin gone, shutdown) and the run has not ended within the grace period, its thread is
 * interrupted; if it still has not ended after a further {@link #ABANDON_AFTER_INTERRUPT}, the run is
 * marked FAILED with the place its thread is stuck in and the thread is left behind (Java cannot kill it). While
 * such a thread lives it may hold what it held when it stuck (the DJL engine allows one gradient collector per
 * JVM, a plugin may hold a lock), so no run starts until it ends or the runtime restarts: runs queued behind it
 * fail with the reason and the remedy, and new ones are refused at submission ({@link #leftBehind()}).
 */
final class RunQueue {
    private static final Logger LOG = LoggerFactory.getLogger(RunQueue.class);
    /** After the interrupt, how long a run has before it is abandoned. */
    static final Duration ABANDON_AFTER_INTERRUPT = Duration.ofSeconds(10);
    private static final int STACK_FRAMES_SHOWN = 6;

    private final long graceNanos;
    private final long abandonNanos;
    private final Deque<Task> pending = new ArrayDeque<>();
    private final ScheduledExecutorService watchdog;
    private Task active; // guarded by this
    /** Abandoned runs whose threads may still be alive; guarded by this. */
    private final List<Task> abandoned = new ArrayList<>();

    /** One queued run: its state, its body, and whether a plugin it uses has gone away. */
    private static final class Task {
        final RunState state;
        final Runnable body;
        final BooleanSupplier pluginLost;
        Thread thread;
        boolean interrupted;

        Task(RunState state, Runnable body, BooleanSupplier pluginLost) {
            this.state = state;
            this.body = body;
            this.pluginLost = pluginLost;
        }
    }

    RunQueue(Duration grace, Duration abandonAfterInterrupt) {
        this.graceNanos = grace.toNanos();
        this.abandonNanos = abandonAfterInterrupt.toNanos();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cftrec-run-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleWithFixedDelay(this::watch, 1, 1, TimeUnit.SECONDS);
    }

    synchronized void submit(RunState state, Runnable body, BooleanSupplier pluginLost) {
        pending.add(new Task(state, body, pluginLost));
        startNext();
    }

    /**
     * Why no run can start now, if an abandoned run's thread is still alive: the runs, where each is stuck, and
     * the remedy; empty once every such thread has ended.
     */
    synchronized Optional<String> leftBehind() {
        abandoned.removeIf(t -> !t.thread.isAlive());
        if (abandoned.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the thread of run " + abandoned.stream().map(t -> t.state.directory().id())
                .collect(Collectors.joining(", ")) + " was abandoned (it did not stop even when interrupted) and is"
                + " still alive, so it may still hold the training engine (DJL allows one gradient collector per"
                + " JVM) or a plugin's resources; no run can start in this runtime until it ends. Restart the runtime"
                + " (bin/stop, then bin/start; or leave bin/karaf and start it again), then resume or rerun");
    }

    private synchronized void startNext() {
        if (active != null) {
            return;
        }
        Optional<String> blocked = leftBehind();
        while (blocked.isPresent() && !pending.isEmpty()) {
            pending.poll().state.finish(RunStatus.FAILED, "not started: " + blocked.get());
        }
        if (pending.isEmpty()) {
            return;
        }
        Task task = pending.poll();
        active = task;
        task.thread = new Thread(() -> {
            try {
                task.body.run();
            } finally {
                ended(task);
            }
        }, "cftrec-run-" + task.state.directory().id());
        task.thread.setDaemon(true);
        task.thread.start();
    }

    private synchronized void ended(Task task) {
        if (active == task) {
            active = null;
            startNext();
        }
    }

    private void watch() {
        Task task;
        synchronized (this) {
            task = active;
        }
        if (task == null) {
            return;
        }
        try {
            if (!task.state.stopRequested() && task.pluginLost.getAsBoolean()) {
                task.state.requestStop(StopReason.PLUGIN_LOST);
            }
            long since = task.state.nanosSinceStopRequest();
            if (since < graceNanos) {
                return;
            }
            if (!task.interrupted) {
                task.interrupted = true;
                LOG.warn("run {} has not stopped {} s after the request ({}); interrupting it",
                        task.state.directory().id(), TimeUnit.NANOSECONDS.toSeconds(since),
                        task.state.stopReason().message());
                task.state.directory().log("not stopped " + TimeUnit.NANOSECONDS.toSeconds(since)
                        + " s after the stop request; interrupting the run's thread");
                task.thread.interrupt();
            } else if (since >= graceNanos + abandonNanos && task.thread.isAlive()) {
                // The JDK's own frames (sleep, park) say nothing; the first frames of code outside it name the plugin.
                String stuck = Arrays.stream(task.thread.getStackTrace())
                        .filter(f -> f.getModuleName() == null || !f.getModuleName().startsWith("java."))
                        .limit(STACK_FRAMES_SHOWN).map(StackTraceElement::toString)
                        .collect(Collectors.joining(" <- "));
                String message = task.state.stopReason().message() + ", but the run did not stop within "
                        + TimeUnit.NANOSECONDS.toSeconds(since) + " s, even when interrupted; a plugin does not return"
                        + " (stuck in " + stuck + "). Its thread was left behind and may hold the training engine;"
                        + " no run can start until the runtime restarts (bin/stop, then bin/start; or leave bin/karaf"
                        + " and start it again): restart, then resume this run";
                LOG.error("run {}: {}", task.state.directory().id(), message);
                task.state.abandon(RunStatus.FAILED, message);
                synchronized (this) {
                    abandoned.add(task);
                }
                ended(task);
            }
        } catch (RuntimeException e) {
            LOG.warn("run watchdog: {}", e.toString());
        }
    }

    /** Asks every run to stop, waits up to {@code waitMillis} for the running one, and stops the watchdog. */
    void shutdown(long waitMillis) throws InterruptedException {
        Thread running;
        synchronized (this) {
            pending.forEach(t -> t.state.finish(StopReason.SHUTDOWN.status(), StopReason.SHUTDOWN.message()));
            pending.clear();
            running = active == null ? null : active.thread;
            if (active != null) {
                active.state.requestStop(StopReason.SHUTDOWN);
            }
        }
        if (running != null) {
            running.join(waitMillis);
            if (running.isAlive()) {
                running.interrupt();
            }
        }
        watchdog.shutdownNow();
    }
}
