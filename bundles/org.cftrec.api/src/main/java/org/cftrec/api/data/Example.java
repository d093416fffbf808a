package org.cftrec.api.data;

import java.util.List;
import java.util.Objects;

/**
 * One next-item case: the user's previous items (item ids, oldest first) and the item that came next.
 */
public record Example(String user, List<String> history, String target) {
    public Example {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(target, "target");
        history = List.copyOf(history);
    }
}
