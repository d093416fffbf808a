package org.cftrec.api.eval;

import org.cftrec.api.data.RecDataset;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.model.TextTokenizer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * What an evaluator ranks.
 *
 * @param backbone         the trained model
 * @param dataset          the dataset (catalogue for grounding and tries)
 * @param cases            the test cases with their prompts
 * @param targetTexts      item id -> the response text a template renders for that item (e.g. the quoted
 *                         title), in catalogue order, so that decoding and scoring use exactly the training
 *                         target format
 * @param maxRank          how many ranked items each case should report
 * @param casesDone        told how many cases are ranked so far, as an evaluator goes (after each batch): the
 *                         runtime shows it with the rate and the time left
 */
public record EvaluationJob(Backbone backbone, RecDataset dataset, List<EvaluationCase> cases,
                            Map<String, String> targetTexts, int maxRank, IntConsumer casesDone) {
    public EvaluationJob {
        Objects.requireNonNull(backbone, "backbone");
        Objects.requireNonNull(dataset, "dataset");
        cases = List.copyOf(cases);
        targetTexts = Collections.unmodifiableMap(new LinkedHashMap<>(targetTexts)); // catalogue order
        casesDone = casesDone == null ? done -> { } : casesDone;
    }

    /** A job whose progress nobody follows. */
    public EvaluationJob(Backbone backbone, RecDataset dataset, List<EvaluationCase> cases,
                         Map<String, String> targetTexts, int maxRank) {
        this(backbone, dataset, cases, targetTexts, maxRank, null);
    }

    /**
     * Each item's target text as token ids (without EOS), tokenized the way training tokenizes a target: as the
     * continuation of a prompt ({@link TextTokenizer#encodeContinuation}), here of the text all the cases'
     * prompts end with, which is what precedes a target in every one of them. In catalogue order.
     */
    public Map<String, long[]> targetTokens() {
        TextTokenizer tokenizer = backbone.tokenizer();
        String context = commonSuffix(cases.stream().map(EvaluationCase::prompt).toList());
        Map<String, long[]> tokens = new LinkedHashMap<>();
        targetTexts.forEach((item, text) -> tokens.put(item, tokenizer.encodeContinuation(context, text)));
        return tokens;
    }

    /** The longest text all {@code texts} end with ("" for none). */
    static String commonSuffix(List<String> texts) {
        if (texts.isEmpty()) {
            return "";
        }
        String first = texts.get(0);
        int length = first.length();
        for (String t : texts) {
            int common = 0;
            while (common < length && common < t.length()
                    && t.charAt(t.length() - 1 - common) == first.charAt(first.length() - 1 - common)) {
                common++;
            }
            length = common;
        }
        return first.substring(first.length() - length);
    }
}
