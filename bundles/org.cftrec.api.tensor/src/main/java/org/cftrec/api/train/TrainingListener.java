package org.cftrec.api.train;

import org.osgi.annotation.versioning.ProviderType;

/** Receives progress from a trainer (console progress, metrics file). */
@ProviderType
public interface TrainingListener {
    default void onStep(StepMetrics metrics) {
    }

    default void onValidation(ValidationMetrics metrics) {
    }

    /** Free-form progress line (checkpoint written, early stop, ...). */
    default void onMessage(String message) {
    }
}
