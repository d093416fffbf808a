package org.cftrec.api.eval;

import org.osgi.annotation.versioning.ConsumerType;

import java.util.List;

/**
 * A decoding or scoring protocol that ranks catalogue items for each case, with the plugin's parameters
 * already bound. Metrics are computed by the runtime from the returned ranks, the same way for every protocol.
 */
@ConsumerType
public interface Evaluator {

    /** Rankings in the order of {@link EvaluationJob#cases()}. */
    List<CaseRanking> rank(EvaluationJob job);
}
