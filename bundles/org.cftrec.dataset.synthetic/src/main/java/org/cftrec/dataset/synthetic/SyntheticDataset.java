package org.cftrec.dataset.synthetic;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginName;
import org.cftrec.api.PluginContext;
import org.cftrec.api.data.DatasetPlugin;
import org.cftrec.api.data.DatasetSource;
import org.cftrec.api.data.DatasetStatistics;
import org.cftrec.api.data.Domain;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.Item;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.data.ReferenceScores;
import org.osgi.service.component.annotations.Component;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Plugin {@code synthetic}: the embedded default dataset, needing no files. Sequences have real structure
 * (series continue, genres persist) and a popularity confounder (Zipf). Because the generator knows the true
 * next-item distribution it reports the best achievable scores ({@code oracle}, expected HR/NDCG of ranking
 * by the true distribution) and a popularity-only ranking ({@code popularity}).
 * Split: leave-one-out per user (last item test, second-to-last valid, every earlier position train).
 */
@Component(service = DatasetPlugin.class)
@PluginName(name = "synthetic",
        description = "embedded synthetic sequences (series, genres, Zipf popularity) with oracle and popularity scores")
public class SyntheticDataset implements DatasetPlugin<SyntheticDataset.Params> {
    static final int[] REFERENCE_KS = {1, 3, 5, 10, 20, 50};

    public record Params(
            @JsonPropertyDescription("catalogue size, rounded down to whole series (default 300)") Integer items,
            @JsonPropertyDescription("items per series (default 5)") Integer partsPerSeries,
            @JsonPropertyDescription("genres (default 6)") Integer genres,
            @JsonPropertyDescription("users, one sequence each (default 400)") Integer users,
            @JsonPropertyDescription("shortest sequence, >= 3 (default 6)") Integer minLength,
            @JsonPropertyDescription("longest sequence (default 12)") Integer maxLength,
            @JsonPropertyDescription("probability that the next item continues the last item's series (default 0.6)")
            Double pSeries,
            @JsonPropertyDescription("probability of an item from the user's genres (default 0.25); the rest is "
                    + "popularity")
            Double pGenre,
            @JsonPropertyDescription("Zipf exponent of popularity (default 1.0)") Double zipf,
            @JsonPropertyDescription("history items kept per example (default 10)") Integer maxHistory) {
        public Params {
            items = orDefault(items, 300);
            partsPerSeries = orDefault(partsPerSeries, 5);
            genres = orDefault(genres, 6);
            users = orDefault(users, 400);
            minLength = orDefault(minLength, 6);
            maxLength = orDefault(maxLength, 12);
            pSeries = pSeries == null ? 0.6 : pSeries;
            pGenre = pGenre == null ? 0.25 : pGenre;
            zipf = zipf == null ? 1.0 : zipf;
            maxHistory = orDefault(maxHistory, 10);
            check(partsPerSeries >= 1 && partsPerSeries <= 10, "partsPerSeries must be in [1, 10], got " + partsPerSeries);
            check(items >= partsPerSeries * 2, "items must be at least 2 * partsPerSeries, got " + items);
            check(genres >= 1 && genres <= items / partsPerSeries, "genres must be in [1, number of series], got " + genres);
            check(users >= 1, "users must be >= 1, got " + users);
            check(minLength >= 3, "minLength must be >= 3 (train, valid and test need an item each), got " + minLength);
            check(maxLength >= minLength, "maxLength must be >= minLength, got " + maxLength);
            check(maxLength < items, "maxLength must be smaller than items (no item repeats in a sequence)");
            check(pSeries >= 0 && pGenre >= 0 && pSeries + pGenre <= 1,
                    "pSeries and pGenre must be >= 0 with pSeries + pGenre <= 1, got " + pSeries + " and " + pGenre);
            check(zipf >= 0 && Double.isFinite(zipf), "zipf must be a finite number >= 0, got " + zipf);
            check(maxHistory >= 1, "maxHistory must be >= 1, got " + maxHistory);
        }

        private static int orDefault(Integer value, int fallback) {
            return value == null ? fallback : value;
        }

        private static void check(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    @Override
    public DatasetSource bind(Params params) {
        return context -> load(params, context);
    }

    private RecDataset load(Params params, PluginContext context) {
        SplittableRandom random = new SplittableRandom(context.seed());
        SyntheticWorld world = new SyntheticWorld(params, random);
        List<Item> catalogue = new ArrayList<>();
        for (int i = 0; i < world.itemCount; i++) {
            catalogue.add(new Item(id(i), world.titles[i]));
        }
        List<Example> train = new ArrayList<>();
        List<Example> valid = new ArrayList<>();
        List<Example> test = new ArrayList<>();
        List<double[]> testDistributions = new ArrayList<>();
        long interactions = 0;
        int[] trainCounts = new int[world.itemCount];
        for (int u = 0; u < params.users(); u++) {
            boolean[] genres = preferredGenres(world.genres, random);
            int length = params.minLength() + random.nextInt(params.maxLength() - params.minLength() + 1);
            int[] sequence = new int[length];
            for (int t = 0; t < length; t++) {
                double[] p = world.nextItemDistribution(Arrays.copyOf(sequence, t), genres);
                sequence[t] = SyntheticWorld.sample(p, random);
                if (t == length - 1) {
                    testDistributions.add(p);
                }
            }
            interactions += length;
            String user = "u" + u;
            for (int t = 1; t < length; t++) {
                Example example = example(user, sequence, t, params.maxHistory());
                if (t == length - 1) {
                    test.add(example);
                } else if (t == length - 2) {
                    valid.add(example);
                } else {
                    train.add(example);
                }
            }
            for (int t = 0; t < length - 2; t++) {
                trainCounts[sequence[t]]++;
            }
        }
        List<ReferenceScores> references = List.of(
                new ReferenceScores("oracle", oracle(testDistributions)),
                new ReferenceScores("popularity", popularity(test, trainCounts)));
        SortedHistogram histogram = new SortedHistogram();
        for (List<Example> split : List.of(train, valid, test)) {
            split.forEach(e -> histogram.add(e.history().size()));
        }
        Map<String, Integer> perSplit = new LinkedHashMap<>();
        perSplit.put("train", train.size());
        perSplit.put("valid", valid.size());
        perSplit.put("test", test.size());
        DatasetStatistics statistics = new DatasetStatistics(params.users(), world.itemCount, interactions, perSplit,
                histogram.counts, 0, 0);
        return new RecDataset("synthetic", new Domain("book", "books"), catalogue, train, valid, test, statistics,
                references);
    }

    private static boolean[] preferredGenres(int genres, SplittableRandom random) {
        boolean[] preferred = new boolean[genres];
        preferred[random.nextInt(genres)] = true;
        if (genres > 1 && random.nextBoolean()) {
            preferred[random.nextInt(genres)] = true;
        }
        return preferred;
    }

    private static Example example(String user, int[] sequence, int target, int maxHistory) {
        List<String> history = new ArrayList<>();
        for (int t = Math.max(0, target - maxHistory); t < target; t++) {
            history.add(id(sequence[t]));
        }
        return new Example(user, history, id(sequence[target]));
    }

    static String id(int item) {
        return "i" + item;
    }

    /** Expected HR@K / NDCG@K of ranking every item by the true next-item distribution. */
    static Map<String, Double> oracle(List<double[]> distributions) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int k : REFERENCE_KS) {
            double hr = 0;
            double ndcg = 0;
            for (double[] p : distributions) {
                double[] sorted = p.clone();
                Arrays.sort(sorted);
                for (int r = 1; r <= k && r <= sorted.length; r++) {
                    double probability = sorted[sorted.length - r];
                    hr += probability;
                    ndcg += probability / (Math.log(r + 1) / Math.log(2));
                }
            }
            metrics.put("HR@" + k, hr / distributions.size());
            metrics.put("NDCG@" + k, ndcg / distributions.size());
        }
        return metrics;
    }

    /** HR@K / NDCG@K on the test targets of ranking by training popularity, history items excluded. */
    static Map<String, Double> popularity(List<Example> test, int[] trainCounts) {
        Integer[] order = new Integer[trainCounts.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> trainCounts[b] != trainCounts[a] ? trainCounts[b] - trainCounts[a] : a - b);
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<Integer, double[]> sums = new HashMap<>();
        for (Example e : test) {
            int rank = 0;
            for (Integer item : order) {
                String itemId = id(item);
                if (e.history().contains(itemId)) {
                    continue;
                }
                rank++;
                if (itemId.equals(e.target())) {
                    break;
                }
            }
            for (int k : REFERENCE_KS) {
                double[] s = sums.computeIfAbsent(k, x -> new double[2]);
                if (rank <= k) {
                    s[0] += 1;
                    s[1] += 1 / (Math.log(rank + 1) / Math.log(2));
                }
            }
        }
        for (int k : REFERENCE_KS) {
            double[] s = sums.getOrDefault(k, new double[2]);
            metrics.put("HR@" + k, s[0] / test.size());
            metrics.put("NDCG@" + k, s[1] / test.size());
        }
        return metrics;
    }

    /** History length -> number of examples. */
    private static final class SortedHistogram {
        final TreeMap<Integer, Integer> counts = new TreeMap<>();

        void add(int length) {
            counts.merge(length, 1, Integer::sum);
        }
    }
}
