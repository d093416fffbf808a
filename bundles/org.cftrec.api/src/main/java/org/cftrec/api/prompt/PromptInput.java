package org.cftrec.api.prompt;

import org.cftrec.api.data.Domain;

import java.util.List;
import java.util.Objects;

/**
 * What a template renders: the domain nouns, the history titles (oldest first) and the target title.
 */
public record PromptInput(Domain domain, List<String> historyTitles, String targetTitle) {
    public PromptInput {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(targetTitle, "targetTitle");
        historyTitles = List.copyOf(historyTitles);
    }
}
