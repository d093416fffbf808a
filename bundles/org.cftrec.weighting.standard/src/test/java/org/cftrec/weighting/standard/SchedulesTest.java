package org.cftrec.weighting.standard;

import org.junit.Test;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

/** Each schedule against its formula, worked by hand, and its parameter checks. */
public class SchedulesTest {
    private static final double EPS = 1e-12;

    @Test
    public void linearFallsFromOneToBeta() {
        double[] w = new LinearSchedule().bind(new LinearSchedule.Params(0.25)).weights(5);
        // 1 - (k-1) * 0.75 / 4 for k = 1..5
        assertArrayEquals(new double[] {1.0, 0.8125, 0.625, 0.4375, 0.25}, w, EPS);
    }

    @Test
    public void linearWithOneTokenIsOneInsteadOfDividingByZero() {
        assertArrayEquals(new double[] {1.0}, new LinearSchedule().bind(new LinearSchedule.Params(0.25)).weights(1), EPS);
    }

    @Test
    public void linearDefaultsToTheReferenceBeta() {
        assertEquals(0.25, new LinearSchedule.Params(null).beta(), EPS);
    }

    @Test
    public void linearRejectsBetaOutsideTheUnitInterval() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LinearSchedule.Params(0.0));
        assertEquals("beta must be in (0, 1], got 0.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LinearSchedule.Params(1.01));
        assertThrows(IllegalArgumentException.class, () -> new LinearSchedule.Params(Double.NaN));
    }

    @Test
    public void inverseIsOneMinusKOverBetaN() {
        // beta' = 2, n = 4: 1 - k/8
        assertArrayEquals(new double[] {0.875, 0.75, 0.625, 0.5},
                new InverseSchedule().bind(new InverseSchedule.Params(2.0)).weights(4), EPS);
        assertEquals("beta must be a finite number > 1, got 1.0",
                assertThrows(IllegalArgumentException.class, () -> new InverseSchedule.Params(1.0)).getMessage());
    }

    @Test
    public void uniformIsAllOnes() {
        assertArrayEquals(new double[] {1, 1, 1}, new UniformSchedule().bind(new UniformSchedule.Params()).weights(3), EPS);
    }

    @Test
    public void exponentialIsGammaToTheKMinusOne() {
        assertArrayEquals(new double[] {1, 0.5, 0.25, 0.125},
                new ExponentialSchedule().bind(new ExponentialSchedule.Params(0.5)).weights(4), EPS);
        assertThrows(IllegalArgumentException.class, () -> new ExponentialSchedule.Params(0.0));
    }

    @Test
    public void stepKeepsTheFirstTokensAndFloorsTheRest() {
        assertArrayEquals(new double[] {1, 1, 0.1, 0.1},
                new StepSchedule().bind(new StepSchedule.Params(2, 0.1)).weights(4), EPS);
        assertEquals("first must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new StepSchedule.Params(0, 0.1)).getMessage());
        assertEquals("floor must be in [0, 1], got 2.0",
                assertThrows(IllegalArgumentException.class, () -> new StepSchedule.Params(1, 2.0)).getMessage());
    }

    @Test
    public void everyScheduleRejectsAnEmptyTarget() {
        assertThrows(IllegalArgumentException.class, () -> new UniformSchedule().bind(new UniformSchedule.Params()).weights(0));
        assertThrows(IllegalArgumentException.class, () -> new LinearSchedule().bind(new LinearSchedule.Params(null)).weights(0));
    }
}
