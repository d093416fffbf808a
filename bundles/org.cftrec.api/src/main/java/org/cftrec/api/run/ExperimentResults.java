package org.cftrec.api.run;

import org.cftrec.api.data.ReferenceScores;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished run's {@code results.json}: written by the pipeline, read by the console's results table, the
 * seed summary and the HTML report. Maps keep their order (variants as the spec lists them, protocols and
 * history modes as evaluated).
 *
 * @param name       the spec's name
 * @param seed       the run's seed
 * @param dataset    the loaded dataset's name
 * @param references scores that come from no model (popularity, and the oracle of a synthetic dataset)
 * @param variants   variant name -> its results
 */
public record ExperimentResults(String name, long seed, String dataset, List<ReferenceScores> references,
                                Map<String, VariantResults> variants) {
    public ExperimentResults {
        references = references == null ? List.of() : List.copyOf(references);
        variants = Collections.unmodifiableMap(new LinkedHashMap<>(variants == null ? Map.of() : variants));
    }

    /** The names of the protocols evaluated, in order (from the first variant; every variant runs them all). */
    public List<String> protocols() {
        return variants.values().stream().findFirst().map(v -> List.copyOf(v.evaluation().keySet())).orElse(List.of());
    }
}
