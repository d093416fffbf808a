package org.cftrec.reference.sasrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.cftrec.api.PluginContext;
import org.cftrec.api.data.DatasetStatistics;
import org.cftrec.api.data.Domain;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.Item;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.data.SequenceSplits;
import org.cftrec.api.reference.ReferenceJob;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

public class SasRecTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void windowsBecomeTheUsersSequencesAgainAndLongOnesAreCutWithOneItemOverlap() {
        Map<String, Integer> index = Map.of("a", 1, "b", 2, "c", 3, "d", 4, "e", 5);
        List<Example> windows = List.of(
                new Example("u", List.of("a"), "b"), new Example("u", List.of("a", "b"), "c"),
                new Example("u", List.of("b", "c"), "d"), // history cut to 2 items: still extends a b c
                new Example("v", List.of("e"), "a"), new Example("v", List.of("x", "a"), "b")); // x: not in the index
        List<int[]> pieces = TrainingSequences.of(windows, index, 50);
        assertEquals(3, pieces.size());
        assertArrayEquals(new int[] {1, 2, 3, 4}, pieces.get(0));
        assertArrayEquals(new int[] {5, 1}, pieces.get(1));
        assertArrayEquals(new int[] {1, 2}, pieces.get(2)); // x a b does not continue e a: a new sequence, x dropped

        List<int[]> cut = TrainingSequences.of(windows.subList(0, 3), index, 2);
        assertArrayEquals(new int[] {1, 2, 3}, cut.get(0));
        assertArrayEquals(new int[] {3, 4}, cut.get(1)); // every item after the first is a target once
        assertEquals(2, cut.size());
    }

    @Test
    public void rankLeavesOutHistoryAndPaddingAndCountsTiesForTheTarget() {
        float[] scores = {9f, 0.5f, 0.9f, 0.7f, 0.7f, 0.1f}; // column 0 is padding
        assertEquals(2, SasRecTraining.rankOf(scores, 0, 6, new int[] {}, 3)); // only item 2 above; 4 ties
        assertEquals(1, SasRecTraining.rankOf(scores, 0, 6, new int[] {2}, 3));
        assertEquals(0, SasRecTraining.rankOf(scores, 0, 6, new int[] {3}, 3)); // target in the history
        assertEquals(0, SasRecTraining.rankOf(scores, 0, 6, new int[] {}, 0)); // not in the catalogue
        assertEquals(5, SasRecTraining.rankOf(scores, 0, 6, new int[] {}, 5));
    }

    @Test
    public void forwardAgreesWithAPlainJavaComputationAndIsCausal() {
        SasRecPlugin.Params p = new SasRecPlugin.Params(8, 1, 2, 0.0, 6, null, null, null, null, null, null);
        try (NDManager manager = NDManager.newBaseManager(); SasRecModel model = new SasRecModel(manager, 7, p, 3)) {
            long[] items = {0, 0, 3, 1, 5};
            float[] out = model.forward(manager.create(items, new Shape(1, 5)), false).toFloatArray();
            float[] expected = Reference.forward(model.snapshot(), items, 8, 2, 6);
            for (int i = 0; i < expected.length; i++) {
                assertEquals("output " + i, expected[i], out[i], 1e-4);
            }
            // A later item changes nothing before it; more left padding changes nothing at all.
            float[] changed = model.forward(manager.create(new long[] {0, 0, 3, 1, 6}, new Shape(1, 5)), false)
                    .toFloatArray();
            for (int i = 0; i < 4 * 8; i++) {
                assertEquals(out[i], changed[i], 1e-6);
            }
            NDArray shorter = model.forward(manager.create(new long[] {3, 1, 5}, new Shape(1, 3)), false);
            float[] s = shorter.toFloatArray();
            for (int i = 0; i < s.length; i++) {
                assertEquals(out[2 * 8 + i], s[i], 1e-5);
            }
        }
    }

    @Test
    public void learnsAFollowTheSeriesPatternFarAbovePopularityAndRepeatsItsRanks() throws Exception {
        RecDataset dataset = series(30, 240, 8, 7);
        SasRecPlugin.Params p = new SasRecPlugin.Params(32, 1, 2, 0.1, 10, 0.01, 32, 40, 5, null, true);
        List<String> log = new ArrayList<>();
        int[] ranks = new SasRecPlugin().bind(p).ranks(job(dataset, log));
        int hits = 0;
        for (int rank : ranks) {
            hits += rank == 1 ? 1 : 0;
        }
        // The next item is the current one + 1 on every sequence: popularity ranks it first for 1 case in 30.
        assertTrue("HR@1 " + hits + "/" + ranks.length + "; log " + log, hits >= 0.9 * ranks.length);
        assertTrue(log.toString(), log.stream().anyMatch(l -> l.startsWith("kept epoch")));
        assertArrayEquals("same seed, same ranks", ranks, new SasRecPlugin().bind(p).ranks(job(dataset, log)));
    }

    private ReferenceJob job(RecDataset dataset, List<String> log) {
        return new ReferenceJob(dataset, dataset.test(), new PluginContext(11, folder.getRoot().toPath(),
                folder.getRoot().toPath()), () -> false, log::add);
    }

    /** Users walk the catalogue in order from a random start: the next item is always the last one + 1. */
    static RecDataset series(int items, int users, int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Item> catalogue = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            catalogue.add(new Item("i" + i, "item " + i));
        }
        Map<String, List<String>> sequences = new LinkedHashMap<>();
        for (int u = 0; u < users; u++) {
            int start = random.nextInt(items);
            List<String> s = new ArrayList<>();
            for (int t = 0; t < length; t++) {
                s.add("i" + (start + t) % items);
            }
            sequences.put("u" + u, s);
        }
        SequenceSplits.Splits splits = SequenceSplits.leaveOneOut(sequences, 10);
        return new RecDataset("series", new Domain("item", "items"), catalogue, splits.train(), splits.valid(),
                splits.test(), new DatasetStatistics(users, items, (long) users * length, Map.of(), new TreeMap<>(), 0, 0),
                List.of());
    }

    /** SASRec's forward pass for one sequence in plain float arithmetic, from the weights' values. */
    static final class Reference {
        static float[] forward(Map<String, float[]> w, long[] items, int d, int heads, int maxLength) {
            int n = items.length;
            double[][] x = new double[n][d];
            for (int t = 0; t < n; t++) {
                int position = maxLength - n + t;
                for (int j = 0; j < d; j++) {
                    x[t][j] = items[t] == 0 ? 0 : w.get("item_emb")[(int) items[t] * d + j] * Math.sqrt(d)
                            + w.get("pos_emb")[position * d + j];
                }
            }
            String b = "blocks.0.";
            double[][] q = norm(x, w.get(b + "attn_ln.w"), w.get(b + "attn_ln.b"));
            double[][] qp = affine(q, w.get(b + "attn.in_w"), 3 * d, 0, d, w.get(b + "attn.in_b"));
            double[][] kp = affine(x, w.get(b + "attn.in_w"), 3 * d, d, d, w.get(b + "attn.in_b"));
            double[][] vp = affine(x, w.get(b + "attn.in_w"), 3 * d, 2 * d, d, w.get(b + "attn.in_b"));
            int dh = d / heads;
            double[][] attended = new double[n][d];
            for (int h = 0; h < heads; h++) {
                for (int t = 0; t < n; t++) {
                    double[] logits = new double[n];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int s = 0; s < n; s++) {
                        double dot = 0;
                        for (int j = 0; j < dh; j++) {
                            dot += qp[t][h * dh + j] * kp[s][h * dh + j];
                        }
                        logits[s] = dot / Math.sqrt(dh) + (s > t || items[s] == 0 ? -1e9 : 0);
                        max = Math.max(max, logits[s]);
                    }
                    double sum = 0;
                    for (int s = 0; s < n; s++) {
                        logits[s] = Math.exp(logits[s] - max);
                        sum += logits[s];
                    }
                    for (int s = 0; s < n; s++) {
                        for (int j = 0; j < dh; j++) {
                            attended[t][h * dh + j] += logits[s] / sum * vp[s][h * dh + j];
                        }
                    }
                }
            }
            double[][] mha = affine(attended, w.get(b + "attn.out_w"), d, 0, d, w.get(b + "attn.out_b"));
            double[][] y = new double[n][d];
            for (int t = 0; t < n; t++) {
                for (int j = 0; j < d; j++) {
                    y[t][j] = q[t][j] + mha[t][j];
                }
            }
            double[][] f = norm(y, w.get(b + "ffn_ln.w"), w.get(b + "ffn_ln.b"));
            double[][] inner = affine(f, w.get(b + "ffn.w1"), d, 0, d, w.get(b + "ffn.b1"));
            for (double[] row : inner) {
                for (int j = 0; j < d; j++) {
                    row[j] = Math.max(0, row[j]);
                }
            }
            double[][] ffn = affine(inner, w.get(b + "ffn.w2"), d, 0, d, w.get(b + "ffn.b2"));
            for (int t = 0; t < n; t++) {
                for (int j = 0; j < d; j++) {
                    y[t][j] = items[t] == 0 ? 0 : f[t][j] + ffn[t][j];
                }
            }
            double[][] last = norm(y, w.get("last_ln.w"), w.get("last_ln.b"));
            float[] out = new float[n * d];
            for (int t = 0; t < n; t++) {
                for (int j = 0; j < d; j++) {
                    out[t * d + j] = (float) last[t][j];
                }
            }
            return out;
        }

        /** x [n, rows of matrix] times the columns from..from+width of a [rows, stride] matrix, plus bias. */
        private static double[][] affine(double[][] x, float[] matrix, int stride, int from, int width, float[] bias) {
            double[][] y = new double[x.length][width];
            for (int t = 0; t < x.length; t++) {
                for (int c = 0; c < width; c++) {
                    double sum = bias[from + c];
                    for (int r = 0; r < x[t].length; r++) {
                        sum += x[t][r] * matrix[r * stride + from + c];
                    }
                    y[t][c] = sum;
                }
            }
            return y;
        }

        private static double[][] norm(double[][] x, float[] weight, float[] bias) {
            double[][] y = new double[x.length][];
            for (int t = 0; t < x.length; t++) {
                double mean = 0;
                for (double v : x[t]) {
                    mean += v / x[t].length;
                }
                double variance = 0;
                for (double v : x[t]) {
                    variance += (v - mean) * (v - mean) / x[t].length;
                }
                y[t] = new double[x[t].length];
                for (int j = 0; j < x[t].length; j++) {
                    y[t][j] = (x[t][j] - mean) / Math.sqrt(variance + 1e-8) * weight[j] + bias[j];
                }
            }
            return y;
        }
    }
}
