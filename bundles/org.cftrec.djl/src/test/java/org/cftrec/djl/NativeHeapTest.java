package org.cftrec.djl;

import org.junit.Test;

import java.time.Duration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

public class NativeHeapTest {
    private static boolean trimmerRunning() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("cftrec-native-heap-trim") && t.isAlive());
    }

    @Test
    public void aPeriodicTrimStopsWhenClosed() throws Exception {
        // HotSpot 17.0.9 and later have the command; this build runs on such a JDK (CI installs Debian's 17).
        boolean available = NativeHeap.trim();
        try (NativeHeap.Trimming trimming = NativeHeap.every(Duration.ofMillis(10))) {
            Thread.sleep(50);
            assertEquals("trims while open (when the JVM can)", available, trimmerRunning());
        }
        long deadline = System.currentTimeMillis() + 5_000;
        while (trimmerRunning() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertFalse("the trim thread ended after close", trimmerRunning());
    }
}
