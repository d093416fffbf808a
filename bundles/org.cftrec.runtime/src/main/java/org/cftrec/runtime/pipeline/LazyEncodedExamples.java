package org.cftrec.runtime.pipeline;

import org.cftrec.api.prompt.RenderedPrompt;
import org.cftrec.api.train.TokenizedExample;

import java.util.AbstractList;
import java.util.List;

/**
 * Rendered prompts tokenized on first access and kept. A run with a step budget touches only the examples its
 * batches draw, so tokenizing all of a large training set up front (minutes for ml-100k's 97k windows) is
 * avoided. Read by the training loop's single thread.
 */
final class LazyEncodedExamples extends AbstractList<TokenizedExample> {
    private final List<RenderedPrompt> prompts;
    private final ExampleEncoder encoder;
    private final TokenizedExample[] encoded;

    LazyEncodedExamples(List<RenderedPrompt> prompts, ExampleEncoder encoder) {
        this.prompts = List.copyOf(prompts);
        this.encoder = encoder;
        this.encoded = new TokenizedExample[prompts.size()];
    }

    @Override
    public TokenizedExample get(int index) {
        TokenizedExample example = encoded[index];
        if (example == null) {
            example = encoder.encode(prompts.get(index));
            encoded[index] = example;
        }
        return example;
    }

    @Override
    public int size() {
        return prompts.size();
    }
}
