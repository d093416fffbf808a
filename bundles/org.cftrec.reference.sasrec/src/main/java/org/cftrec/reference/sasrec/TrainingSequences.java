package org.cftrec.reference.sasrec;

import org.cftrec.api.data.Example;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The item sequences SASRec trains on, rebuilt from a dataset's training examples. Datasets give sliding windows
 * (a history cut to {@code maxHistory} items and the next item); consecutive windows of a user extend one
 * sequence when the window's history ends the sequence so far, so a user's windows become their whole training
 * sequence again. A sequence longer than {@code maxLength + 1} items is cut into pieces of that length that
 * overlap by one item, so that every item after the first is a target exactly once (the context restarts at a
 * cut). Items are the indices of {@code index}; items it lacks are left out.
 */
final class TrainingSequences {
    private TrainingSequences() {
    }

    static List<int[]> of(List<Example> train, Map<String, Integer> index, int maxLength) {
        Map<String, List<List<String>>> byUser = new LinkedHashMap<>();
        for (Example e : train) {
            List<List<String>> sequences = byUser.computeIfAbsent(e.user(), u -> new ArrayList<>());
            List<String> last = sequences.isEmpty() ? null : sequences.get(sequences.size() - 1);
            if (last != null && endsWith(last, e.history())) {
                last.add(e.target());
            } else {
                List<String> sequence = new ArrayList<>(e.history());
                sequence.add(e.target());
                sequences.add(sequence);
            }
        }
        List<int[]> pieces = new ArrayList<>();
        for (List<List<String>> sequences : byUser.values()) {
            for (List<String> sequence : sequences) {
                int[] ids = sequence.stream().filter(index::containsKey).mapToInt(index::get).toArray();
                for (int from = 0; from + 1 < ids.length; from += maxLength) {
                    pieces.add(java.util.Arrays.copyOfRange(ids, from, Math.min(ids.length, from + maxLength + 1)));
                }
            }
        }
        return pieces;
    }

    private static boolean endsWith(List<String> sequence, List<String> suffix) {
        int offset = sequence.size() - suffix.size();
        return offset >= 0 && !suffix.isEmpty() && sequence.subList(offset, sequence.size()).equals(suffix);
    }
}
