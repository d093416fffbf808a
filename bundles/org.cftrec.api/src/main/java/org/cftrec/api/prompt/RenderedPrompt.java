package org.cftrec.api.prompt;

import java.util.Objects;

/**
 * A rendered example.
 *
 * @param factual        the prompt with the history (x_h), ending where the response starts
 * @param counterfactual the same prompt with the history removed (x_0)
 * @param target         the response text the model must generate, without the end-of-sequence token
 *                       (the tokenizer stage appends EOS)
 */
public record RenderedPrompt(String factual, String counterfactual, String target) {
    public RenderedPrompt {
        Objects.requireNonNull(factual, "factual");
        Objects.requireNonNull(counterfactual, "counterfactual");
        Objects.requireNonNull(target, "target");
    }
}
