package org.cftrec.api.prompt;

import org.cftrec.api.Plugin;

/**
 * Plugin kind {@code prompt}: renders the factual and counterfactual prompts and the target text. The
 * same text must be produced at training and at inference.
 */
public interface PromptTemplate<P> extends Plugin<P> {
    RenderedPrompt render(PromptInput input, P params);
}
