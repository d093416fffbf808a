package org.cftrec.runtime.items;

import org.cftrec.api.data.Item;
import org.cftrec.api.spec.ItemsSpec;
import org.junit.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

public class ItemTextsTest {
    /** Three families of titles that share words within a family and none across. */
    private static List<Item> families() {
        List<Item> items = new ArrayList<>();
        String[] stems = {"Starlight Voyage", "Garden Murders", "Quantum Kitchen"};
        for (int f = 0; f < stems.length; f++) {
            for (int k = 1; k <= 8; k++) {
                items.add(new Item("f" + f + "-" + k, stems[f] + " " + "Part " + k + " (" + (1990 + k) + ")"));
            }
        }
        items.add(new Item("dup-1", "Same Title"));
        items.add(new Item("dup-2", "Same Title")); // identical text: only the extra level can tell them apart
        return items;
    }

    @Test
    public void semanticIdsAreUniqueDeterministicAndGroupSimilarTitlesAtTheFirstLevel() {
        ItemsSpec spec = new ItemsSpec(ItemsSpec.Representation.SEMANTIC_ID, 2, 4);
        Map<String, String> texts = ItemTexts.of(families(), spec);
        assertEquals(texts, ItemTexts.of(families(), spec));
        assertEquals("one code per item", texts.size(), new HashSet<>(texts.values()).size());
        // Two identical titles collide on every level: a third level numbers them (0, 1) and every item gets one.
        assertTrue(texts.toString(), texts.get("dup-1").matches("a\\d+ b\\d+ c0"));
        assertTrue(texts.toString(), texts.get("dup-2").matches("a\\d+ b\\d+ c1"));
        for (String text : texts.values()) {
            String[] words = text.split(" ");
            assertEquals(text, 3, words.length);
            assertTrue(text, Integer.parseInt(words[0].substring(1)) < 4 && Integer.parseInt(words[1].substring(1)) < 4);
        }
        // Each family's titles share their first-level code, and families do not share one.
        Map<Integer, Set<String>> firstCodes = new HashMap<>();
        for (Map.Entry<String, String> e : texts.entrySet()) {
            if (e.getKey().startsWith("f")) {
                firstCodes.computeIfAbsent(e.getKey().charAt(1) - '0', f -> new HashSet<>())
                        .add(e.getValue().split(" ")[0]);
            }
        }
        Set<String> all = new HashSet<>();
        for (Set<String> codes : firstCodes.values()) {
            assertEquals(texts.toString(), 1, codes.size());
            all.addAll(codes);
        }
        assertEquals(texts.toString(), 3, all.size());
        // The words a tokenizer adds as new tokens: every code of every level, once each, sorted.
        List<String> tokens = ItemTexts.tokens(texts, spec);
        Set<String> used = new java.util.TreeSet<>();
        texts.values().forEach(t -> used.addAll(List.of(t.split(" "))));
        assertEquals(List.copyOf(used), tokens);
        assertTrue(tokens.toString(), tokens.contains("c0") && tokens.contains("c1"));
    }

    @Test
    public void titlesAndOneTokenPerItem() {
        List<Item> items = families();
        assertEquals("Starlight Voyage Part 1 (1991)",
                ItemTexts.of(items, ItemsSpec.defaults()).get("f0-1"));
        Map<String, String> tokens = ItemTexts.of(items, new ItemsSpec(ItemsSpec.Representation.TOKEN, null, null));
        assertEquals("i0", tokens.get("f0-1"));
        assertEquals("i25", tokens.get("dup-2"));
        assertEquals(items.size(), ItemTexts.tokens(tokens, new ItemsSpec(ItemsSpec.Representation.TOKEN, null, null)).size());
        assertEquals("titles are ordinary text", List.of(), ItemTexts.tokens(ItemTexts.of(items, ItemsSpec.defaults()),
                ItemsSpec.defaults()));
    }

    @Test
    public void eachLevelQuantisesWhatTheEarlierLevelsLeft() {
        // Points near (0, 0) and (10, 10), each with a small offset of +-1 along x: level 1 finds the two blobs,
        // level 2 the sign of the offset, which only the residuals show once the blob centres are taken away.
        float[][] points = {{-1, 0}, {1, 0}, {-1, 0.1f}, {1, 0.1f}, {9, 10}, {11, 10}, {9, 10.1f}, {11, 10.1f}};
        int[][] codes = ResidualKMeans.codes(points, 2, 2, 0);
        for (int i = 0; i < 8; i++) {
            assertEquals("blob of point " + i, codes[0][0] == codes[i][0], i < 4);
            assertEquals("offset sign of point " + i, codes[0][1] == codes[i][1], i % 2 == 0);
        }
    }
}
