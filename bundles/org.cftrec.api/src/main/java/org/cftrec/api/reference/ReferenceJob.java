package org.cftrec.api.reference;

import org.cftrec.api.PluginContext;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.RecDataset;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What a reference gets from the run.
 *
 * @param dataset       the run's dataset
 * @param cases         the test cases the run's variants are scored on
 * @param context       the run's seed, data roots and a work folder of this reference's own
 * @param stopRequested true once the run is asked to stop; check it between epochs or batches
 * @param log           one line for the run's log (progress, epochs, why training stopped)
 */
public record ReferenceJob(RecDataset dataset, List<Example> cases, PluginContext context,
                           BooleanSupplier stopRequested, Consumer<String> log) {
    public ReferenceJob {
        Objects.requireNonNull(dataset, "dataset");
        cases = List.copyOf(cases);
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(stopRequested, "stopRequested");
        Objects.requireNonNull(log, "log");
    }

    /** Throws {@link CancellationException} when the run was asked to stop. */
    public void checkStop() {
        if (stopRequested.getAsBoolean()) {
            throw new CancellationException("stop requested");
        }
    }
}
