package org.cftrec.dataset.amazon;

import org.cftrec.dataset.amazon.AmazonRawFiles.Review;

import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The D3/BIGRec preparation of an Amazon Reviews 2018 category (cft-method.md section 6): reviews of items
 * without a usable title dropped; a time window from {@code start} through {@code end} whose start moves back a
 * year at a time until the window holds at least {@code minItems} items after the k-core (or covers all
 * reviews); an iterative k-core on users and items; per user, reviews in time order (ties by asin) and one
 * sample per position with the previous at most {@code maxHistory} items as history; all samples sorted by
 * the target's time (ties by user, then position) and split 80/10/10 in that order.
 */
final class AmazonRecipe {
    /** Recipe settings; {@code end} is inclusive (the whole month). */
    record Settings(YearMonth start, YearMonth end, int minItems, int core, int maxHistory) {
        Settings {
            if (start.isAfter(end)) {
                throw new IllegalArgumentException("window start " + start + " is after its end " + end);
            }
            if (minItems < 0 || core < 1 || maxHistory < 1) {
                throw new IllegalArgumentException("minItems must be >= 0, core and maxHistory >= 1");
            }
        }
    }

    /** One sample: the user's previous items (oldest first) and the next one, with ratings and times. */
    record Sample(String user, List<Review> history, Review target, int position) {
    }

    /** The prepared category: the window that was used, the items (asin to title), the three splits and the reviews kept. */
    record Prepared(YearMonth start, YearMonth end, Map<String, String> titles, List<Sample> train,
                    List<Sample> valid, List<Sample> test, int interactions) {
    }

    private AmazonRecipe() {
    }

    static Prepared prepare(List<Review> reviews, Map<String, String> rawTitles, Settings settings) {
        Map<String, String> titles = new HashMap<>();
        rawTitles.forEach((asin, raw) -> AmazonTitles.clean(raw).ifPresent(t -> titles.put(asin, t)));
        List<Review> titled = reviews.stream().filter(r -> titles.containsKey(r.asin())).toList();
        long endExclusive = seconds(settings.end().plusMonths(1));
        long earliest = titled.stream().mapToLong(Review::time).min().orElse(Long.MAX_VALUE);
        YearMonth start = settings.start();
        List<Review> core;
        while (true) {
            long from = seconds(start);
            core = kCore(titled.stream().filter(r -> r.time() >= from && r.time() < endExclusive).toList(),
                    settings.core());
            long items = core.stream().map(Review::asin).distinct().count();
            if (items >= settings.minItems() || from <= earliest) {
                break;
            }
            start = start.minusYears(1);
        }
        return split(core, titles, start, settings);
    }

    /** Drops users and items with fewer than {@code k} reviews until none is left. */
    static List<Review> kCore(List<Review> reviews, int k) {
        List<Review> kept = reviews;
        while (true) {
            Map<String, Integer> perUser = new HashMap<>();
            Map<String, Integer> perItem = new HashMap<>();
            for (Review r : kept) {
                perUser.merge(r.user(), 1, Integer::sum);
                perItem.merge(r.asin(), 1, Integer::sum);
            }
            List<Review> next = kept.stream()
                    .filter(r -> perUser.get(r.user()) >= k && perItem.get(r.asin()) >= k).toList();
            if (next.size() == kept.size()) {
                return next;
            }
            kept = next;
        }
    }

    private static Prepared split(List<Review> core, Map<String, String> titles, YearMonth start, Settings settings) {
        Map<String, List<Review>> byUser = new TreeMap<>();
        for (Review r : core) {
            byUser.computeIfAbsent(r.user(), u -> new ArrayList<>()).add(r);
        }
        List<Sample> samples = new ArrayList<>();
        for (Map.Entry<String, List<Review>> e : byUser.entrySet()) {
            List<Review> sequence = e.getValue();
            sequence.sort(Comparator.comparingLong(Review::time).thenComparing(Review::asin));
            for (int i = 1; i < sequence.size(); i++) {
                List<Review> history = List.copyOf(sequence.subList(Math.max(0, i - settings.maxHistory()), i));
                samples.add(new Sample(e.getKey(), history, sequence.get(i), i));
            }
        }
        samples.sort(Comparator.comparingLong((Sample s) -> s.target().time()).thenComparing(Sample::user)
                .thenComparingInt(Sample::position));
        int train = (int) (samples.size() * 0.8);
        int valid = (int) (samples.size() * 0.1);
        Set<String> asins = new TreeSet<>();
        core.forEach(r -> asins.add(r.asin()));
        Map<String, String> kept = new LinkedHashMap<>();
        asins.forEach(a -> kept.put(a, titles.get(a)));
        return new Prepared(start, settings.end(), kept, samples.subList(0, train),
                samples.subList(train, train + valid), samples.subList(train + valid, samples.size()),
                core.size());
    }

    private static long seconds(YearMonth month) {
        return month.atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    }
}
