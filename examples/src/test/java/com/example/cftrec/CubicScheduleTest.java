package com.example.cftrec;

import org.junit.Test;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertThrows;

public class CubicScheduleTest {
    @Test
    public void decaysCubicallyToTheFloor() {
        // n = 3: x = 0, 0.5, 1 -> 1, 1 - 0.75 * 0.125, 0.25
        assertArrayEquals(new double[] {1, 0.90625, 0.25},
                new CubicSchedule().bind(new CubicSchedule.Params(null)).weights(3), 1e-12);
        assertArrayEquals(new double[] {1}, new CubicSchedule().bind(new CubicSchedule.Params(0.1)).weights(1), 0);
        assertThrows(IllegalArgumentException.class, () -> new CubicSchedule.Params(1.5));
    }
}
