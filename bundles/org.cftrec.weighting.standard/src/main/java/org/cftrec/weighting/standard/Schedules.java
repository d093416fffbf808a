package org.cftrec.weighting.standard;

/** Checks shared by the schedules. */
final class Schedules {
    private Schedules() {
    }

    static void checkCount(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a target has at least one token, got n = " + n);
        }
    }
}
