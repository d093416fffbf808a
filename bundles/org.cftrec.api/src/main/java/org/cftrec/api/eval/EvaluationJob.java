package org.cftrec.api.eval;

import org.cftrec.api.data.RecDataset;
import org.cftrec.api.model.Backbone;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 */
public record EvaluationJob(Backbone backbone, RecDataset dataset, List<EvaluationCase> cases,
                            Map<String, String> targetTexts, int maxRank) {
    public EvaluationJob {
        Objects.requireNonNull(backbone, "backbone");
        Objects.requireNonNull(dataset, "dataset");
        cases = List.copyOf(cases);
        targetTexts = Collections.unmodifiableMap(new LinkedHashMap<>(targetTexts)); // catalogue order
    }
}
