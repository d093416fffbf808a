package org.cftrec.api.run;

import org.osgi.annotation.versioning.ConsumerType;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes reports of a finished run from its run directory alone (results.json, metrics.jsonl, spec.json,
 * provenance.json, dataset.json). The runtime calls every registered reporter after a run succeeds.
 */
@ConsumerType
public interface RunReporter {

    /** Writes the report files into the run directory; returns the main file (e.g. report.html). */
    Path write(Path runDirectory) throws IOException;
}
