package org.cftrec.api.prompt;

import org.osgi.annotation.versioning.ConsumerType;

import java.util.Optional;

/**
 * Renders the factual and counterfactual prompts and the target text, with the plugin's parameters already
 * bound. The same text must be produced at training and at inference.
 */
@ConsumerType
public interface PromptTemplate {
    RenderedPrompt render(PromptInput input);

    /**
     * The factual prompt as instruction, input and output (for exports such as BIGRec JSON), where the template
     * has that structure; empty (the default) where it does not.
     */
    default Optional<InstructionRow> instructionRow(PromptInput input) {
        return Optional.empty();
    }
}
