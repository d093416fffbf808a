package org.cftrec.api.reference;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A reference recommender with its parameters bound: it learns from the job's dataset (training split, and the
 * validation split where it selects or stops early) and ranks the job's cases.
 */
@ConsumerType
public interface Reference {

    /**
     * The target's 1-based rank among the catalogue's items in each of {@link ReferenceJob#cases()}, in their
     * order; 0 when the target is not ranked (beyond what the reference ranks, or a history item where the
     * reference leaves them out, as the runtime's popularity and item-kNN references do: say which in the
     * plugin's description).
     *
     * @throws java.util.concurrent.CancellationException when {@link ReferenceJob#stopRequested()} turned true
     */
    int[] ranks(ReferenceJob job) throws java.io.IOException;
}
