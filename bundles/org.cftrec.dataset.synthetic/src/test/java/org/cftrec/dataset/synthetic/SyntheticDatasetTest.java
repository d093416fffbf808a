package org.cftrec.dataset.synthetic;

import org.cftrec.api.PluginContext;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.data.ReferenceScores;
import org.junit.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

public class SyntheticDatasetTest {
    private static final SyntheticDataset.Params SMALL = new SyntheticDataset.Params(100, 5, 4, 80, 4, 8, null, null,
            null, null);

    private static RecDataset load(long seed) {
        try {
            return new SyntheticDataset().bind(SMALL).load(new PluginContext(seed, Path.of("."), Path.of(".")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // the synthetic dataset reads no files
        }
    }

    @Test
    public void sameSeedSameData() {
        RecDataset a = load(5);
        RecDataset b = load(5);
        assertEquals(a.catalogue(), b.catalogue());
        assertEquals(a.train(), b.train());
        assertEquals(a.test(), b.test());
        assertEquals(a.references(), b.references());
        assertNotEquals(a.train(), load(6).train());
    }

    @Test
    public void leaveOneOutGivesEveryUserOneValidAndOneTestCase() {
        RecDataset d = load(1);
        assertEquals(80, d.valid().size());
        assertEquals(80, d.test().size());
        for (int u = 0; u < 80; u++) {
            String user = "u" + u;
            Example valid = d.valid().stream().filter(e -> e.user().equals(user)).findFirst().orElseThrow();
            Example test = d.test().stream().filter(e -> e.user().equals(user)).findFirst().orElseThrow();
            // The test history is the valid history plus the valid target (at most 10 items).
            List<String> expected = new ArrayList<>(valid.history());
            expected.add(valid.target());
            assertEquals(expected.subList(Math.max(0, expected.size() - 10), expected.size()), test.history());
            assertEquals(test.history().size(), new HashSet<>(test.history()).size());
            assertTrue(!test.history().contains(test.target()));
        }
        // every position but the first (no history) and the last two (valid, test) is a training target
        assertEquals(d.statistics().interactions() - 3L * 80, d.train().size());
    }

    @Test
    public void titlesOfASeriesShareTheirWords() {
        RecDataset d = load(1);
        String first = d.catalogue().get(0).title();
        String second = d.catalogue().get(1).title();
        assertEquals(first.substring(0, first.lastIndexOf(' ')), second.substring(0, second.lastIndexOf(' ')));
        assertTrue(first.endsWith(" I") && second.endsWith(" II"));
    }

    @Test
    public void oracleBeatsPopularityAndIsAValidBound() {
        RecDataset d = load(2);
        Map<String, Double> oracle = reference(d, "oracle");
        Map<String, Double> popularity = reference(d, "popularity");
        for (int k : SyntheticDataset.REFERENCE_KS) {
            assertTrue("HR@" + k, oracle.get("HR@" + k) >= popularity.get("HR@" + k));
            assertTrue(oracle.get("HR@" + k) <= 1.0 + 1e-12);
            assertTrue(oracle.get("NDCG@" + k) <= oracle.get("HR@" + k) + 1e-12);
        }
        assertTrue(oracle.get("HR@1") > 0.3); // the series continuation carries 0.6 of the mass when it exists
    }

    @Test
    public void nextItemDistributionIsNormalisedAndExcludesTheHistory() {
        SyntheticWorld world = new SyntheticWorld(SMALL, new SplittableRandom(0));
        boolean[] genres = {true, false, false, false};
        double[] p = world.nextItemDistribution(new int[] {0, 7}, genres);
        assertEquals(1.0, Arrays.stream(p).sum(), 1e-12);
        assertEquals(0.0, p[0], 0);
        assertEquals(0.0, p[7], 0);
        // item 7 is part III of series 1, so part IV (item 8) gets the series mass on top.
        assertTrue(p[8] > 0.6);
    }

    @Test
    public void badParametersNameTheField() {
        assertEquals("minLength must be >= 3 (train, valid and test need an item each), got 2",
                assertThrows(IllegalArgumentException.class, () -> new SyntheticDataset.Params(null, null, null, null,
                        2, null, null, null, null, null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SyntheticDataset.Params(null, null, null, null, null,
                null, 0.8, 0.5, null, null));
    }

    private static Map<String, Double> reference(RecDataset d, String name) {
        return d.references().stream().filter(r -> r.name().equals(name)).map(ReferenceScores::metrics)
                .findFirst().orElseThrow();
    }
}
