package org.cftrec.api.prompt;

import org.osgi.annotation.versioning.ConsumerType;

import java.util.Optional;

import org.cftrec.api.Plugin;

/**
 * Plugin kind {@code prompt}: renders the factual and counterfactual prompts and the target text. The
 * same text must be produced at training and at inference.
 */
@ConsumerType
public interface PromptTemplate<P> extends Plugin<P> {
    RenderedPrompt render(PromptInput input, P params);

    /**
     * The factual prompt as instruction, input and output (for exports such as BIGRec JSON), where the template
     * has that structure; empty (the default) where it does not.
     */
    default Optional<InstructionRow> instructionRow(PromptInput input, P params) {
        return Optional.empty();
    }
}
