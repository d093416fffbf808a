package org.cftrec.runtime.pipeline;

import org.cftrec.api.model.TextTokenizer;
import org.cftrec.api.prompt.RenderedPrompt;
import org.cftrec.api.weighting.WeightingSchedule;
import org.cftrec.runtime.objective.TokenizedExample;

/** Turns rendered prompts into token ids, appends EOS to the target and attaches the schedule's weights. */
final class ExampleEncoder {
    private final TextTokenizer tokenizer;
    @SuppressWarnings("rawtypes")
    private final WeightingSchedule schedule;
    private final Object scheduleParams;

    ExampleEncoder(TextTokenizer tokenizer, WeightingSchedule<?> schedule, Object scheduleParams) {
        this.tokenizer = tokenizer;
        this.schedule = schedule;
        this.scheduleParams = scheduleParams;
    }

    @SuppressWarnings("unchecked")
    TokenizedExample encode(RenderedPrompt prompt) {
        long[] targetText = tokenizer.encode(prompt.target());
        long[] target = new long[targetText.length + 1];
        System.arraycopy(targetText, 0, target, 0, targetText.length);
        target[targetText.length] = tokenizer.eosTokenId();
        double[] raw = schedule.weights(target.length, scheduleParams);
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
        return new TokenizedExample(tokenizer.encode(prompt.factual()), tokenizer.encode(prompt.counterfactual()),
                target, weights);
    }
}
