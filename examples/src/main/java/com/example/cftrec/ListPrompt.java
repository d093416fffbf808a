package com.example.cftrec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginName;
import org.cftrec.api.prompt.PromptPlugin;
import org.cftrec.api.prompt.PromptTemplate;
import org.cftrec.api.prompt.RenderedPrompt;
import org.osgi.service.component.annotations.Component;

/**
 * Prompt {@code list}: the shortest useful prompt, the history as one line of titles and the next title as the
 * target. The counterfactual prompt keeps the wording and names no titles.
 */
@Component(service = PromptPlugin.class)
@PluginName(name = "list", description = "example plugin: the history as one line of titles")
public class ListPrompt implements PromptPlugin<ListPrompt.Params> {

    public record Params(
            @JsonPropertyDescription("written between history titles; default \" | \"") String separator) {
        public Params {
            separator = separator == null ? " | " : separator;
            if (separator.isEmpty() || separator.contains("\n")) {
                throw new IllegalArgumentException("separator must be non-empty and on one line, got '" + separator + "'");
            }
        }
    }

    @Override
    public PromptTemplate bind(Params params) {
        return input -> {
            String head = "A user's " + input.domain().items() + ", oldest first: ";
            String tail = "\nNext " + input.domain().item() + ":";
            return new RenderedPrompt(head + String.join(params.separator(), input.historyTitles()) + tail,
                    head + "(none)" + tail, " " + input.targetTitle() + "\n");
        };
    }
}
