package org.cftrec.api.run;

import org.cftrec.api.spec.ObjectiveSpec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One variant's results.
 *
 * @param objective       alpha, weight scope and branch layout as run
 * @param weighting       the weighting plugin's name
 * @param weightingParams its parameters as bound (defaults filled in)
 * @param trainer         the trainer plugin's name
 * @param training        how training went
 * @param evaluation      protocol -> history mode ({@code factual}, {@code removed}, {@code shuffled}) -> results
 */
public record VariantResults(ObjectiveSpec objective, String weighting, Map<String, Object> weightingParams,
                             String trainer, TrainingSummary training,
                             Map<String, Map<String, ModeResults>> evaluation) {
    public VariantResults {
        weightingParams = weightingParams == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(weightingParams));
        Map<String, Map<String, ModeResults>> copy = new LinkedHashMap<>();
        (evaluation == null ? Map.<String, Map<String, ModeResults>>of() : evaluation).forEach((protocol, modes) -> copy.put(protocol, Collections.unmodifiableMap(new LinkedHashMap<>(modes))));
        evaluation = Collections.unmodifiableMap(copy);
    }
}
