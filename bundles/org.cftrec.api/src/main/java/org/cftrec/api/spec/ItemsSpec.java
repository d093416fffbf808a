package org.cftrec.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How items appear in prompts and as targets. Titles are the method's default; short codes of new tokens let a
 * small model trained from scratch learn the items quickly, and make CFT's token weights mean "earlier levels
 * decide more".
 *
 * @param representation {@code title} (default), {@code token} (one word per item, e.g. {@code i42}) or
 *                       {@code semantic-id} (L levels of C codes, e.g. {@code a3 b17 c0}, from residual k-means
 *                       over the titles' hashed word and character n-grams; items that share all levels get one
 *                       more level that tells them apart)
 * @param levels         semantic-id: levels before collisions are resolved; default 3
 * @param codes          semantic-id: codes per level (k of each k-means); default 32
 */
public record ItemsSpec(Representation representation, Integer levels, Integer codes) {
    public ItemsSpec {
        representation = representation == null ? Representation.TITLE : representation;
        levels = levels == null ? 3 : levels;
        codes = codes == null ? 32 : codes;
        if (levels < 1 || levels > 8) {
            throw new IllegalArgumentException("items.levels must be between 1 and 8, got " + levels);
        }
        if (codes < 2 || codes > 4096) {
            throw new IllegalArgumentException("items.codes must be between 2 and 4096, got " + codes);
        }
    }

    public static ItemsSpec defaults() {
        return new ItemsSpec(null, null, null);
    }

    /** The text an item stands for. */
    public enum Representation {
        @JsonProperty("title") TITLE,
        @JsonProperty("token") TOKEN,
        @JsonProperty("semantic-id") SEMANTIC_ID
    }
}
