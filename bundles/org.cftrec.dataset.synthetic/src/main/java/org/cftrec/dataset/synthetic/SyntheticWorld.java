package org.cftrec.dataset.synthetic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The generator's ground truth: items grouped in series (titles share their words) inside genres, a
 * Zipf popularity over all items, and users with one or two preferred genres. The next item of a user
 * follows, with probabilities pSeries / pGenre / the rest, the next part of the last item's series, a
 * popularity-weighted item of the preferred genres, or a popular item; items already in the history are
 * excluded and the rest renormalised. {@link #nextItemDistribution} is that distribution, exactly.
 */
final class SyntheticWorld {
    private static final String[] ADJECTIVES = {"Crimson", "Silent", "Golden", "Hidden", "Broken", "Frozen",
            "Electric", "Velvet", "Hollow", "Wild", "Iron", "Paper", "Midnight", "Lucky", "Distant", "Savage",
            "Glass", "Secret", "Burning", "Quiet", "Northern", "Lost", "Bright", "Scarlet", "Final", "Endless",
            "Copper", "Silver", "Stolen", "Sunken"};
    private static final String[] NOUNS = {"Harbor", "Empire", "Garden", "Circuit", "Frontier", "Kingdom",
            "Orchard", "Signal", "Voyage", "Canyon", "Mirror", "Lantern", "Citadel", "Meadow", "Engine", "Comet",
            "Island", "Fortress", "Compass", "Horizon", "Station", "Forest", "Tower", "River", "Desert", "Crown"};
    private static final String[] NUMERALS = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"};
    private static final String[] GENRES = {"Saga", "Chronicles", "Mysteries", "Adventures", "Tales", "Files",
            "Legends", "Stories", "Diaries", "Journeys"};

    final int itemCount;
    final String[] titles;
    final int[] seriesOf;
    final int[] genreOf;
    final int[] successor; // next part of the same series, or -1
    final double[] popularity; // Zipf weights, summing to 1
    final int genres;
    final double pSeries;
    final double pGenre;

    SyntheticWorld(SyntheticDataset.Params p, SplittableRandom random) {
        this.genres = p.genres();
        this.pSeries = p.pSeries();
        this.pGenre = p.pGenre();
        int seriesCount = p.items() / p.partsPerSeries();
        itemCount = seriesCount * p.partsPerSeries();
        titles = new String[itemCount];
        seriesOf = new int[itemCount];
        genreOf = new int[itemCount];
        successor = new int[itemCount];
        List<String> names = seriesNames(seriesCount, random);
        for (int s = 0; s < seriesCount; s++) {
            int genre = s % genres;
            for (int part = 0; part < p.partsPerSeries(); part++) {
                int item = s * p.partsPerSeries() + part;
                titles[item] = names.get(s) + " " + GENRES[genre % GENRES.length] + " " + NUMERALS[part % NUMERALS.length];
                seriesOf[item] = s;
                genreOf[item] = genre;
                successor[item] = part + 1 < p.partsPerSeries() ? item + 1 : -1;
            }
        }
        // Popularity rank is a random permutation, so popular items are spread over series and genres.
        int[] order = new int[itemCount];
        for (int i = 0; i < itemCount; i++) {
            order[i] = i;
        }
        for (int i = itemCount - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        popularity = new double[itemCount];
        double total = 0;
        for (int rank = 0; rank < itemCount; rank++) {
            popularity[order[rank]] = 1.0 / Math.pow(rank + 1, p.zipf());
            total += popularity[order[rank]];
        }
        for (int i = 0; i < itemCount; i++) {
            popularity[i] /= total;
        }
    }

    private static List<String> seriesNames(int count, SplittableRandom random) {
        List<String> all = new ArrayList<>();
        for (String a : ADJECTIVES) {
            for (String n : NOUNS) {
                all.add(a + " " + n);
            }
        }
        if (count > all.size()) {
            throw new IllegalArgumentException("at most " + all.size() + " series can be named");
        }
        for (int i = all.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String t = all.get(i);
            all.set(i, all.get(j));
            all.set(j, t);
        }
        return all.subList(0, count);
    }

    /** P(next item | history, the user's preferred genres): the generator's exact distribution. */
    double[] nextItemDistribution(int[] history, boolean[] preferredGenres) {
        double[] p = new double[itemCount];
        int last = history.length == 0 ? -1 : history[history.length - 1];
        int next = last >= 0 ? successor[last] : -1;
        double seriesMass = next >= 0 ? pSeries : 0;
        double genreMass = pGenre + (next >= 0 ? 0 : pSeries);
        double popularMass = 1 - pSeries - pGenre;
        double genreTotal = 0;
        for (int i = 0; i < itemCount; i++) {
            if (preferredGenres[genreOf[i]]) {
                genreTotal += popularity[i];
            }
        }
        for (int i = 0; i < itemCount; i++) {
            p[i] = popularMass * popularity[i]
                    + (preferredGenres[genreOf[i]] ? genreMass * popularity[i] / genreTotal : 0);
        }
        if (next >= 0) {
            p[next] += seriesMass;
        }
        for (int h : history) {
            p[h] = 0;
        }
        double sum = Arrays.stream(p).sum();
        for (int i = 0; i < itemCount; i++) {
            p[i] /= sum;
        }
        return p;
    }

    static int sample(double[] distribution, SplittableRandom random) {
        double u = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < distribution.length; i++) {
            cumulative += distribution[i];
            if (u < cumulative) {
                return i;
            }
        }
        for (int i = distribution.length - 1; i >= 0; i--) {
            if (distribution[i] > 0) {
                return i;
            }
        }
        throw new IllegalStateException("empty distribution");
    }
}
