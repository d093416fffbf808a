package org.cftrec.djl;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Hands memory that PyTorch has freed back to the operating system. PyTorch's CPU tensors come from malloc, and
 * glibc keeps what a training step frees: at the Qwen2.5-0.5B shape the CFT step peaked at 14.9 GB without and
 * 13.9 GB with a trim every second (README, "Real scale"). The trim is HotSpot's {@code System.trim_native_heap}
 * diagnostic command (glibc's {@code malloc_trim}; JDK 17.0.9 and later); elsewhere it does nothing. It is not free:
 * trimmed pages fault in again, which slowed a tiny model's steps by a third when done every second.
 */
public final class NativeHeap {
    private static volatile boolean unavailable;

    private NativeHeap() {
    }

    /** A periodic trim; {@link #close()} stops it. */
    public interface Trimming extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Returns freed native memory to the operating system once, if the JVM can.
     *
     * @return false when this JVM has no way to (later calls then return at once)
     */
    public static boolean trim() {
        if (unavailable) {
            return false;
        }
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "systemTrimNativeHeap",
                    new Object[] {null}, new String[] {String[].class.getName()});
            return true;
        } catch (Exception | LinkageError e) {
            unavailable = true; // not HotSpot, or older than 17.0.9: nothing to trim with
            return false;
        }
    }

    /** Trims every {@code interval} on a daemon thread until closed. */
    public static Trimming every(Duration interval) {
        Thread thread = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted() && trim()) {
                    Thread.sleep(interval.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // closed
            }
        }, "cftrec-native-heap-trim");
        thread.setDaemon(true);
        thread.start();
        return thread::interrupt;
    }

    /** A trimming that does nothing (small models, where the trim costs more than it saves). */
    public static Trimming none() {
        return () -> { };
    }
}
