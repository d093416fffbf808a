package org.cftrec.dataset.amazon;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Title cleaning of the D3/BIGRec Amazon recipe: entities unescaped, whitespace collapsed, and titles that
 * cannot name an item dropped (empty, a single character, more than 20 words, HTML fragments).
 */
final class AmazonTitles {
    static final int MAX_WORDS = 20;
    private static final Pattern HTML = Pattern.compile("<[a-zA-Z/!][^>]*>|&[a-zA-Z]+;|&#\\d+;");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private AmazonTitles() {
    }

    /** The cleaned title, or empty when the item has no usable title. */
    static Optional<String> clean(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String title = WHITESPACE.matcher(raw.replace("&quot;", "\"").replace("&amp;", "&")).replaceAll(" ").strip();
        if (title.length() <= 1 || HTML.matcher(title).find() || title.split(" ").length > MAX_WORDS) {
            return Optional.empty();
        }
        return Optional.of(title);
    }
}
