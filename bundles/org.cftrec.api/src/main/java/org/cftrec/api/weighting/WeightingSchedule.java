package org.cftrec.api.weighting;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The weight of each of the n target tokens of one example (quotes and EOS included), first token first,
 * with the plugin's parameters already bound.
 */
@ConsumerType
@FunctionalInterface
public interface WeightingSchedule {

    /**
     * @param tokenCount n &gt;= 1
     * @return n finite, non-negative weights
     */
    double[] weights(int tokenCount);
}
