package org.cftrec.api.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Building blocks shared by dataset providers: leave-one-out splits with sliding-window histories, and the
 * statistics record. Sequences are item ids in time order.
 */
public final class SequenceSplits {
    private SequenceSplits() {
    }

    /** Examples of the three splits. */
    public record Splits(List<Example> train, List<Example> valid, List<Example> test) {
    }

    /**
     * Leave-one-out per user: the last item is the test target, the second-to-last the valid target, every
     * earlier position (from the second item on) a training target. Histories are the previous
     * {@code maxHistory} items. Users with fewer than 3 items contribute training examples only.
     */
    public static Splits leaveOneOut(Map<String, List<String>> sequences, int maxHistory) {
        List<Example> train = new ArrayList<>();
        List<Example> valid = new ArrayList<>();
        List<Example> test = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : sequences.entrySet()) {
            List<String> items = e.getValue();
            int n = items.size();
            boolean held = n >= 3;
            for (int t = 1; t < n; t++) {
                Example example = example(e.getKey(), items, t, maxHistory);
                if (held && t == n - 1) {
                    test.add(example);
                } else if (held && t == n - 2) {
                    valid.add(example);
                } else {
                    train.add(example);
                }
            }
        }
        return new Splits(train, valid, test);
    }

    /** The example whose target is position {@code target} of {@code items}. */
    public static Example example(String user, List<String> items, int target, int maxHistory) {
        return new Example(user, List.copyOf(items.subList(Math.max(0, target - maxHistory), target)), items.get(target));
    }

    /**
     * Statistics of a loaded dataset.
     *
     * @param junk decides which titles are unusable (reported, items kept)
     */
    public static DatasetStatistics statistics(int users, List<Item> catalogue, long interactions, Splits splits,
                                               java.util.function.Predicate<String> junk) {
        Map<String, Integer> perSplit = new LinkedHashMap<>();
        perSplit.put("train", splits.train().size());
        perSplit.put("valid", splits.valid().size());
        perSplit.put("test", splits.test().size());
        TreeMap<Integer, Integer> lengths = new TreeMap<>();
        for (List<Example> split : List.of(splits.train(), splits.valid(), splits.test())) {
            split.forEach(x -> lengths.merge(x.history().size(), 1, Integer::sum));
        }
        Map<String, Integer> titleCounts = new HashMap<>();
        int junkTitles = 0;
        for (Item item : catalogue) {
            titleCounts.merge(item.title(), 1, Integer::sum);
            if (junk.test(item.title())) {
                junkTitles++;
            }
        }
        int duplicates = 0;
        for (Item item : catalogue) {
            if (titleCounts.get(item.title()) > 1) {
                duplicates++;
            }
        }
        return new DatasetStatistics(users, catalogue.size(), interactions, perSplit, lengths, junkTitles, duplicates);
    }

    /** Blank, one character, or an HTML fragment: the titles the D3/BIGRec recipe calls unusable. */
    public static boolean isJunkTitle(String title) {
        String t = title.strip();
        return t.length() <= 1 || t.contains("<") || t.contains("/>") || t.contains("&lt;");
    }

    /** Distinct users of the examples. */
    public static int users(Splits splits) {
        Set<String> users = new HashSet<>();
        for (List<Example> split : List.of(splits.train(), splits.valid(), splits.test())) {
            split.forEach(x -> users.add(Objects.requireNonNull(x.user())));
        }
        return users.size();
    }
}
