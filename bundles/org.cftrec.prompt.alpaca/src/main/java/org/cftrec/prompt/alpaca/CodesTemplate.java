package org.cftrec.prompt.alpaca;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginName;
import org.cftrec.api.prompt.PromptInput;
import org.cftrec.api.prompt.PromptPlugin;
import org.cftrec.api.prompt.PromptTemplate;
import org.cftrec.api.prompt.RenderedPrompt;
import org.osgi.service.component.annotations.Component;

/**
 * Prompt {@code codes}, for models trained from scratch over item codes ({@code items: token} or
 * {@code semantic-id}): no instruction text, only a start mark and the history's item texts, each followed by a
 * separator, {@code "[ a3 b17 ; a1 b2 ;"}; the target is the next item's text. The counterfactual prompt is the
 * same template with the history removed (the start mark alone), as the authors' code removes the input block.
 * <p>
 * The factual prompt of a window followed by its target and a separator is exactly the factual prompt of the
 * user's next window, so the windows of one user nest: packed training scores them all in one causal pass.
 */
@Component(service = PromptPlugin.class)
@PluginName(name = "codes", description = "item codes only: start mark, each history item + separator; for models"
        + " trained from scratch (pairs with items token / semantic-id)")
public class CodesTemplate implements PromptPlugin<CodesTemplate.Params> {

    public record Params(
            @JsonPropertyDescription("the mark that opens every prompt; default [") String start,
            @JsonPropertyDescription("the mark after each history item; default ;") String separator) {
        public Params {
            start = mark("start", start, "[");
            separator = mark("separator", separator, ";");
            if (start.equals(separator)) {
                throw new IllegalArgumentException("start and separator must differ, both are '" + start + "'");
            }
        }

        private static String mark(String name, String value, String fallback) {
            String v = value == null ? fallback : value;
            if (v.isEmpty() || v.length() > 16 || !v.codePoints().noneMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(name + " must be 1 to 16 characters without spaces, got '" + v + "'");
            }
            return v;
        }
    }

    @Override
    public PromptTemplate bind(Params params) {
        return input -> render(input, params);
    }

    private static RenderedPrompt render(PromptInput input, Params params) {
        StringBuilder factual = new StringBuilder(params.start());
        for (String item : input.historyTitles()) {
            factual.append(' ').append(item).append(' ').append(params.separator());
        }
        return new RenderedPrompt(factual.toString(), params.start(), input.targetTitle());
    }
}
