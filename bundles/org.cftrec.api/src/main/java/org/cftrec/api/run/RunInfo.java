package org.cftrec.api.run;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A snapshot of a run.
 *
 * @param id        unique id, also the run directory's name
 * @param name      the spec's name
 * @param directory run directory (spec, provenance, log, metrics, checkpoints, results)
 * @param stage     current pipeline stage, e.g. {@code cft: training}
 * @param progress  0..1 over the whole run
 * @param message   last status line; the error for failed runs
 */
public record RunInfo(String id, String name, RunStatus status, Path directory, String stage, double progress,
                      String message, Instant started, Instant ended) {
}
