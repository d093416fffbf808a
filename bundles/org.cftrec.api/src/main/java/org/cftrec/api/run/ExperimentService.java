package org.cftrec.api.run;

import org.osgi.annotation.versioning.ProviderType;

import org.cftrec.api.spec.ExperimentSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The runtime's service: the console commands and the one-shot launcher use it, and so can a team's own
 * bundles. Errors about specs are {@link org.cftrec.api.spec.SpecException}s with precise messages.
 */
@ProviderType
public interface ExperimentService {

    /** Installed plugins, sorted by kind and name. */
    List<PluginInfo> plugins();

    /** Reads and checks a spec file: syntax, fields, installed plugins and each plugin's parameters. */
    ExperimentSpec load(Path specFile);

    /** Checks a spec against the installed plugins, without running it. */
    void validate(ExperimentSpec spec);

    /** Validates and starts a run; returns at once. */
    RunInfo start(ExperimentSpec spec);

    /** Runs, most recent first (including finished runs found in the runs folder). */
    List<RunInfo> runs();

    Optional<RunInfo> run(String id);

    /** Waits until the run has finished or the timeout passed; returns its latest state. */
    RunInfo await(String id, Duration timeout) throws InterruptedException;

    /** Asks a run to stop at its next step boundary; false if it is unknown or already finished. */
    boolean cancel(String id);

    /** Continues an interrupted or cancelled run from its last checkpoint, with the plugins installed now. */
    RunInfo resume(String id);
}
