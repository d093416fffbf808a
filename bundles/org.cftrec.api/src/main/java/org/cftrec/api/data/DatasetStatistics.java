package org.cftrec.api.data;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a provider reports about the data it loaded.
 *
 * @param users              distinct users
 * @param items              catalogue size
 * @param interactions       user-item interactions the examples were derived from
 * @param examplesPerSplit   number of examples in train, valid and test
 * @param historyLengths     history length -> number of examples (all splits)
 * @param junkTitles         items whose title is empty or unusable (kept, but reported)
 * @param duplicateTitles    items whose title is shared with another item
 */
public record DatasetStatistics(int users, int items, long interactions, Map<String, Integer> examplesPerSplit,
                                SortedMap<Integer, Integer> historyLengths, int junkTitles, int duplicateTitles) {
    public DatasetStatistics {
        examplesPerSplit = Map.copyOf(examplesPerSplit);
        historyLengths = new TreeMap<>(historyLengths);
    }
}
