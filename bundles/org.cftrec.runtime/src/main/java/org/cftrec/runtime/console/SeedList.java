package org.cftrec.runtime.console;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The seeds of {@code run --seed}: repeated options and comma-separated lists, each seed once, in order. */
final class SeedList {
    private SeedList() {
    }

    /**
     * @throws IllegalArgumentException naming the value that is not a whole number, or a seed given twice
     */
    static List<Long> parse(List<String> values) {
        Set<Long> seeds = new LinkedHashSet<>();
        for (String value : values == null ? List.<String>of() : values) {
            for (String part : value.split(",")) {
                String text = part.strip();
                if (text.isEmpty()) {
                    continue;
                }
                long seed;
                try {
                    seed = Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--seed: '" + text + "' is not a whole number (e.g. --seed 1,2,3)");
                }
                if (!seeds.add(seed)) {
                    throw new IllegalArgumentException("--seed: " + seed + " is given twice");
                }
            }
        }
        return new ArrayList<>(seeds);
    }
}
