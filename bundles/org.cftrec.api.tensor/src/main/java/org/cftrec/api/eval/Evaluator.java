package org.cftrec.api.eval;

import org.osgi.annotation.versioning.ConsumerType;

import org.cftrec.api.Plugin;

import java.util.List;

/**
 * Plugin kind {@code evaluator}: a decoding or scoring protocol that ranks catalogue items for each case.
 * Metrics are computed by the runtime from the returned ranks, the same way for every protocol.
 */
@ConsumerType
public interface Evaluator<P> extends Plugin<P> {

    /** Rankings in the order of {@link EvaluationJob#cases()}. */
    List<CaseRanking> rank(EvaluationJob job, P params);
}
