package org.cftrec.runtime.pipeline;

import org.cftrec.api.model.TextTokenizer;
import org.cftrec.api.prompt.RenderedPrompt;
import org.cftrec.api.weighting.WeightingSchedule;
import org.cftrec.api.train.TokenizedExample;

import java.util.Arrays;

/**
 * Turns rendered prompts into token ids, appends EOS to the target and attaches the schedule's weights. Prompts
 * get the special tokens the tokenizer adds at a sequence's start (BOS for Llama-2); the target is tokenized as
 * the continuation of its prompt, as Hugging Face training code cuts labels from prompt + response, and must come
 * out the same after both prompts (the CFT objective compares the two branches token by token).
 */
final class ExampleEncoder {
    private final TextTokenizer tokenizer;
    private final WeightingSchedule schedule;

    ExampleEncoder(TextTokenizer tokenizer, WeightingSchedule schedule) {
        this.tokenizer = tokenizer;
        this.schedule = schedule;
    }

    TokenizedExample encode(RenderedPrompt prompt) {
        long[] targetText = tokenizer.encodeContinuation(prompt.factual(), prompt.target());
        if (!Arrays.equals(targetText, tokenizer.encodeContinuation(prompt.counterfactual(), prompt.target()))) {
            throw new IllegalArgumentException("the target " + prompt.target().strip() + " tokenizes differently"
                    + " after the factual and the counterfactual prompt; the template must end both the same way");
        }
        long[] target = new long[targetText.length + 1];
        System.arraycopy(targetText, 0, target, 0, targetText.length);
        target[targetText.length] = tokenizer.eosTokenId();
        double[] raw = schedule.weights(target.length);
        if (raw.length != target.length) {
            throw new IllegalStateException("weighting schedule returned " + raw.length + " weights for "
                    + target.length + " target tokens");
        }
        float[] weights = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (!Double.isFinite(raw[i]) || raw[i] < 0) {
                throw new IllegalStateException("weighting schedule returned weight " + raw[i] + " at token "
                        + (i + 1) + " of " + raw.length + "; weights must be finite and >= 0");
            }
            weights[i] = (float) raw[i];
        }
        return new TokenizedExample(tokenizer.encodePrompt(prompt.factual()), tokenizer.encodePrompt(prompt.counterfactual()),
                target, weights);
    }
}
