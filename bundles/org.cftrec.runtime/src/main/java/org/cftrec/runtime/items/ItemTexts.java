package org.cftrec.runtime.items;

import org.cftrec.api.data.Item;
import org.cftrec.api.spec.ItemsSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text each item stands for in prompts and as a target (item id -> text), built from the catalogue alone:
 * its title, one word per item ({@code i0}, {@code i1}, ... in catalogue order) or a semantic ID ({@code a3 b17
 * c0}: level letters, so that each code is one word of the tokenizer and a code of one level never equals one of
 * another). Evaluators, tries and predictions see these texts as they saw titles.
 */
public final class ItemTexts {
    /** Semantic IDs do not depend on the run's seed: every seed of a study sees the same codes. */
    static final long CODE_SEED = 0;

    private ItemTexts() {
    }

    public static Map<String, String> of(List<Item> catalogue, ItemsSpec spec) {
        Map<String, String> texts = new LinkedHashMap<>();
        switch (spec.representation()) {
            case TITLE -> catalogue.forEach(item -> texts.put(item.id(), item.title()));
            case TOKEN -> {
                for (int i = 0; i < catalogue.size(); i++) {
                    texts.put(catalogue.get(i).id(), "i" + i);
                }
            }
            case SEMANTIC_ID -> {
                int[][] codes = semanticIds(catalogue.stream().map(Item::title).toList(), spec.levels(), spec.codes());
                for (int i = 0; i < catalogue.size(); i++) {
                    texts.put(catalogue.get(i).id(), render(codes[i]));
                }
            }
        }
        return texts;
    }

    /**
     * The words item codes are made of, sorted (for a tokenizer to add as new tokens); empty for titles, whose
     * words are ordinary text.
     */
    public static List<String> tokens(Map<String, String> itemTexts, ItemsSpec spec) {
        if (spec.representation() == ItemsSpec.Representation.TITLE) {
            return List.of();
        }
        java.util.SortedSet<String> words = new java.util.TreeSet<>();
        itemTexts.values().forEach(text -> words.addAll(List.of(text.split(" "))));
        return List.copyOf(words);
    }

    /** Codes per title: residual k-means levels, plus one level numbering the titles that share all of them. */
    static int[][] semanticIds(List<String> titles, int levels, int codes) {
        int[][] quantised = ResidualKMeans.codes(TitleVectors.of(titles), levels, codes, CODE_SEED);
        Map<String, List<Integer>> groups = new HashMap<>();
        for (int i = 0; i < quantised.length; i++) {
            groups.computeIfAbsent(java.util.Arrays.toString(quantised[i]), g -> new ArrayList<>()).add(i);
        }
        if (groups.size() == quantised.length) {
            return quantised;
        }
        int[][] resolved = new int[quantised.length][];
        for (List<Integer> group : groups.values()) {
            for (int position = 0; position < group.size(); position++) {
                int i = group.get(position);
                resolved[i] = java.util.Arrays.copyOf(quantised[i], levels + 1);
                resolved[i][levels] = position; // catalogue order within the group
            }
        }
        return resolved;
    }

    static String render(int[] code) {
        StringBuilder text = new StringBuilder();
        for (int level = 0; level < code.length; level++) {
            if (level > 0) {
                text.append(' ');
            }
            text.append((char) ('a' + level)).append(code[level]);
        }
        return text.toString();
    }
}
