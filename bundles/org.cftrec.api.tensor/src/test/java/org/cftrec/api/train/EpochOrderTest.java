package org.cftrec.api.train;

import org.junit.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

public class EpochOrderTest {
    @Test
    public void blocksKeepRunsOfConsecutiveExamplesAndShuffleTheRuns() {
        int[] order = EpochOrder.blocks(23, 4, 7, 0);
        // a permutation of 0..22
        assertArrayEquals(IntStream.range(0, 23).toArray(), Arrays.stream(order).sorted().toArray());
        // every micro-batch of 4 is one run of consecutive indices starting at a multiple of 4
        for (int from = 0; from + 4 <= 20; from += 4) {
            assertEquals(0, order[from] % 4);
            for (int i = 1; i < 4; i++) {
                assertEquals(order[from] + i, order[from + i]);
            }
        }
        // the partial run 20..22 comes last, so it never shifts the runs after it
        assertArrayEquals(new int[] {20, 21, 22}, Arrays.copyOfRange(order, 20, 23));
        // the runs are shuffled, differently per epoch, the same for the same seed
        assertFalse(Arrays.equals(IntStream.range(0, 23).toArray(), order));
        assertFalse(Arrays.equals(order, EpochOrder.blocks(23, 4, 7, 1)));
        assertArrayEquals(order, EpochOrder.blocks(23, 4, 7, 0));
    }

    @Test
    public void theTrainersParametersChooseTheOrder() {
        TrainerParams shuffled = TrainerParams.defaults();
        assertEquals(TrainerParams.Order.SHUFFLED, shuffled.order());
        assertArrayEquals(EpochOrder.permutation(50, 3, 2), EpochOrder.of(shuffled, 50, 3, 2));
        TrainerParams blocks = new TrainerParams(null, null, null, null, null, null, null, 5, null, null, null, null,
                null, null, null, null, TrainerParams.Order.BLOCKS, null, null);
        assertArrayEquals(EpochOrder.blocks(50, 5, 3, 2), EpochOrder.of(blocks, 50, 3, 2));
    }
}
