package org.cftrec.runtime.console;

import org.junit.Test;

import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

public class SeedListTest {
    @Test
    public void repeatedOptionsAndCommaListsGiveEverySeedInOrder() {
        assertEquals(List.of(1L, 2L, 3L, 7L), SeedList.parse(List.of("1,2, 3", "7")));
        assertEquals(List.of(), SeedList.parse(null));
    }

    @Test
    public void badOrRepeatedSeedsAreNamed() {
        assertEquals("--seed: 'x' is not a whole number (e.g. --seed 1,2,3)",
                assertThrows(IllegalArgumentException.class, () -> SeedList.parse(List.of("1,x"))).getMessage());
        assertEquals("--seed: 2 is given twice",
                assertThrows(IllegalArgumentException.class, () -> SeedList.parse(List.of("2", "2"))).getMessage());
    }
}
