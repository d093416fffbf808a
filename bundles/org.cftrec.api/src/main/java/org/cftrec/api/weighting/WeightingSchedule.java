package org.cftrec.api.weighting;

import org.osgi.annotation.versioning.ConsumerType;

import org.cftrec.api.Plugin;

/**
 * Plugin kind {@code weighting}: the weight of each of the n target tokens of one example (quotes and
 * EOS included), first token first. The smallest plugin kind: a good model for a first plugin.
 */
@ConsumerType
public interface WeightingSchedule<P> extends Plugin<P> {

    /**
     * @param tokenCount n &gt;= 1
     * @return n finite, non-negative weights
     */
    double[] weights(int tokenCount, P params);
}
