package org.cftrec.api.data;

import java.util.Objects;

/**
 * A catalogue item. Titles may repeat within a catalogue; evaluation counts a hit on any item with the
 * target's title.
 */
public record Item(String id, String title) {
    public Item {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
    }
}
