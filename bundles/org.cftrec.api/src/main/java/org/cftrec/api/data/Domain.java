package org.cftrec.api.data;

import java.util.Objects;

/**
 * The nouns a prompt uses for the dataset's items, e.g. {@code movie} / {@code movies}.
 */
public record Domain(String item, String items) {
    public Domain {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(items, "items");
    }
}
