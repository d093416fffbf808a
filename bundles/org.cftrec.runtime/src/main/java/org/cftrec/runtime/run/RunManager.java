package org.cftrec.runtime.run;

import ai.djl.engine.Engine;
import org.cftrec.djl.Djl;
import org.cftrec.api.data.DatasetProvider;
import org.cftrec.api.run.ExperimentService;
import org.cftrec.api.run.PluginInfo;
import org.cftrec.api.run.RunInfo;
import org.cftrec.api.run.RunReporter;
import org.cftrec.api.run.RunStatus;
import org.cftrec.api.spec.ExperimentSpec;
import org.cftrec.api.spec.SpecException;
import org.cftrec.runtime.pipeline.ExperimentPipeline;
import org.cftrec.runtime.pipeline.ExperimentPlan;
import org.cftrec.runtime.pipeline.RunStopped;
import org.cftrec.runtime.plugins.PluginCatalog;
import org.cftrec.runtime.plugins.ResolvedPlugin;
import org.cftrec.runtime.spec.SpecJson;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs experiments one after another on a worker thread, each in its own run directory, and keeps
 * their state (also across restarts, from the runs' status files).
 */
@Component(service = ExperimentService.class, configurationPid = "org.cftrec.runtime")
@Designate(ocd = RuntimeConfig.class)
public class RunManager implements ExperimentService {
    private static final Logger LOG = LoggerFactory.getLogger(RunManager.class);
    /** Overrides the default runs folder when the configuration leaves it empty (set by ./cftrec). */
    static final String RUNS_VARIABLE = "CFTREC_RUNS";

    @Reference
    private PluginCatalog catalog;

    @Reference
    private DataAccess dataAccess;

    /** Report writers (org.cftrec.report and any a team adds); optional, called after a run succeeds. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<RunReporter> reporters;

    private final Map<String, RunState> runs = new ConcurrentHashMap<>();
    private RunQueue queue;
    /** Marks every run SHUTDOWN-stopped as soon as the framework begins to stop, before plugin bundles go. */
    private final SynchronousBundleListener shutdownListener = event -> {
        if (event.getBundle().getBundleId() == 0 && event.getType() == BundleEvent.STOPPING) {
            runs.values().forEach(s -> s.requestStop(StopReason.SHUTDOWN));
        }
    };
    private Path runsRoot;
    private BundleContext bundleContext;

    @Activate
    void activate(BundleContext context, RuntimeConfig config) {
        this.bundleContext = context;
        String base = context.getProperty("karaf.base");
        String runsFromEnvironment = System.getenv(RUNS_VARIABLE);
        if (!config.runsRoot().isBlank()) {
            runsRoot = Paths.get(config.runsRoot()).toAbsolutePath();
        } else if (runsFromEnvironment != null && !runsFromEnvironment.isBlank()) {
            runsRoot = Paths.get(runsFromEnvironment).toAbsolutePath();
        } else {
            runsRoot = (base != null ? Paths.get(base, "runs") : Paths.get("runs")).toAbsolutePath();
        }
        queue = new RunQueue(Duration.ofSeconds(config.stopGraceSeconds()), RunQueue.ABANDON_AFTER_INTERRUPT);
        context.addBundleListener(shutdownListener);
        restoreRuns();
        LOG.info("CFTRec runtime ready: runs in {}, {}", runsRoot, dataAccess);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        try {
            bundleContext.removeBundleListener(shutdownListener);
        } catch (IllegalStateException e) {
            // the framework is already past our context: nothing left to remove
        }
        queue.shutdown(60_000);
    }

    @Override
    public List<PluginInfo> plugins() {
        return catalog.list();
    }

    @Override
    public ExperimentSpec load(Path specFile) {
        ExperimentSpec spec = SpecJson.read(specFile.toAbsolutePath());
        try {
            validate(spec);
        } catch (SpecException e) {
            throw new SpecException(specFile + ": " + e.getMessage().replace("\n", "\n" + specFile + ": "), e);
        }
        return spec;
    }

    @Override
    public void validate(ExperimentSpec spec) {
        checkData(ExperimentPlan.of(spec, catalog));
    }

    @Override
    public RunInfo start(ExperimentSpec spec) {
        ExperimentPlan plan = ExperimentPlan.of(spec, catalog);
        checkData(plan); // before a run folder exists: a wrong path leaves nothing behind
        RunDirectory directory;
        try {
            directory = RunDirectory.create(runsRoot, spec.name());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a run directory under " + runsRoot + ": " + e, e);
        }
        directory.writeJson("spec.json", spec);
        RunState state = new RunState(directory, spec.name());
        runs.put(directory.id(), state);
        state.persist();
        submit(plan, state);
        return state.snapshot();
    }

    @Override
    public List<RunInfo> runs() {
        List<RunInfo> all = new ArrayList<>();
        runs.values().forEach(s -> all.add(s.snapshot()));
        all.sort(Comparator.comparing(RunInfo::id).reversed());
        return all;
    }

    @Override
    public Optional<RunInfo> run(String id) {
        return Optional.ofNullable(runs.get(id)).map(RunState::snapshot);
    }

    @Override
    public RunInfo await(String id, Duration timeout) throws InterruptedException {
        RunState state = existing(id);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!state.status().finished() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return state.snapshot();
    }

    @Override
    public boolean cancel(String id) {
        RunState state = runs.get(id);
        if (state == null || state.status().finished()) {
            return false;
        }
        state.requestStop(StopReason.CANCEL);
        return true;
    }

    @Override
    public RunInfo resume(String id) {
        RunState state = existing(id);
        if (!state.status().finished() || state.status() == RunStatus.SUCCEEDED) {
            throw new IllegalStateException("run " + id + " is " + state.status()
                    + "; only interrupted, cancelled or failed runs can be resumed");
        }
        ExperimentSpec spec = SpecJson.read(state.directory().resolve("spec.json"));
        ExperimentPlan plan = ExperimentPlan.of(spec, catalog);
        state.queued();
        state.directory().log("resuming with the plugins installed now");
        submit(plan, state);
        return state.snapshot();
    }

    /** The dataset's files exist and lie in the allowed roots (checked without reading them). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private void checkData(ExperimentPlan plan) {
        try {
            ((DatasetProvider) plan.dataset().service()).checkData(plan.dataset().params(),
                    dataAccess.context(plan.spec().seed(), runsRoot));
        } catch (IOException | IllegalArgumentException e) {
            throw new SpecException("dataset.params: " + e.getMessage(), e);
        }
    }

    private RunState existing(String id) {
        RunState state = runs.get(id);
        if (state == null) {
            throw new IllegalArgumentException("no run '" + id + "'; known runs: "
                    + String.join(", ", runs.keySet().stream().sorted().toList()));
        }
        return state;
    }

    private void submit(ExperimentPlan plan, RunState state) {
        writeProvenance(plan, state.directory());
        queue.submit(state, () -> execute(plan, state), () -> !plan.unavailable().isEmpty());
    }

    private void execute(ExperimentPlan plan, RunState state) {
        String id = state.directory().id();
        state.running();
        try {
            Djl.disableGradientTracking();
            new ExperimentPipeline(plan, state, dataAccess).run();
            state.stage("report", 0.99);
            writeReports(state.directory());
            state.finish(RunStatus.SUCCEEDED, "results in " + state.directory().resolve("results.json"));
        } catch (RunStopped stopped) {
            state.finish(stopped.status(), stopped.getMessage());
        } catch (Throwable e) {
            StopReason reason = state.stopReason();
            if (reason != null) {
                // Interrupted by the run queue after a stop request: the request is the cause, not the exception.
                state.directory().log("stopped with: " + e);
                state.finish(reason.status(), reason.message() + " (the run ended with: " + describe(e) + ")");
                return;
            }
            LOG.error("run {} failed", id, e);
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            state.directory().log("error: " + trace);
            state.finish(RunStatus.FAILED, describe(e));
        }
    }

    /** A report that fails is logged; the run's results stand. */
    private void writeReports(RunDirectory directory) {
        for (RunReporter reporter : reporters == null ? List.<RunReporter>of() : reporters) {
            try {
                directory.log("report " + reporter.write(directory.root()));
            } catch (IOException | RuntimeException e) {
                LOG.warn("report {} failed for {}", reporter, directory.root(), e);
                directory.log("report failed: " + e);
            }
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getName() : message;
    }

    /** Which bundles, engine, machine and seed produced the run. */
    private void writeProvenance(ExperimentPlan plan, RunDirectory directory) {
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("written", Instant.now().toString());
        provenance.put("seed", plan.spec().seed());
        provenance.put("runtime", bundleContext.getBundle().getSymbolicName() + " "
                + bundleContext.getBundle().getVersion());
        List<Map<String, Object>> plugins = new ArrayList<>();
        for (ResolvedPlugin<?> plugin : plan.plugins()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("kind", plugin.kind().label());
            entry.put("name", plugin.name());
            entry.put("bundle", plugin.info().bundle());
            entry.put("version", plugin.info().version());
            if (!plugin.shadowed().isEmpty()) {
                List<String> notChosen = plugin.shadowed().stream().map(s -> s.bundle() + " " + s.version()).toList();
                entry.put("notChosen", notChosen);
                directory.log("note: " + plugin.label() + " chosen; also installed under that name, not used: "
                        + notChosen + " (OSGi order: highest service.ranking, then the oldest registration)");
            }
            plugins.add(entry);
        }
        provenance.put("plugins", plugins);
        Engine engine = Engine.getInstance();
        provenance.put("engine", engine.getEngineName() + " " + engine.getVersion());
        provenance.put("djl", Engine.getDjlVersion());
        provenance.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        provenance.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        provenance.put("cpus", Runtime.getRuntime().availableProcessors());
        provenance.put("framework", bundleContext.getProperty("org.osgi.framework.vendor") + " "
                + bundleContext.getProperty("org.osgi.framework.version"));
        // A resumed run may continue with other bundles: the provenance of the earlier attempts stays inside.
        Path earlier = directory.resolve("provenance.json");
        if (Files.isRegularFile(earlier)) {
            try {
                provenance.put("previous", SpecJson.MAPPER.readTree(earlier.toFile()));
            } catch (IOException e) {
                provenance.put("previous", "unreadable: " + e.getMessage());
            }
        }
        directory.writeJson("provenance.json", provenance);
    }

    /** Lists the runs of earlier sessions; those that were still running are marked interrupted. */
    private void restoreRuns() {
        if (!Files.isDirectory(runsRoot)) {
            return;
        }
        try (var dirs = Files.list(runsRoot)) {
            for (Path dir : dirs.toList()) {
                Path status = dir.resolve("status.json");
                if (!Files.isRegularFile(status)) {
                    continue;
                }
                try {
                    StatusFile file = SpecJson.MAPPER.readValue(status.toFile(), StatusFile.class);
                    RunInfo info = file.toInfo(dir);
                    RunState state = RunState.restored(new RunDirectory(dir), info);
                    if (!info.status().finished()) {
                        state.finish(StopReason.SHUTDOWN.status(), StopReason.SHUTDOWN.message());
                    }
                    runs.put(info.id(), state);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("ignoring unreadable run status {}: {}", status, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list runs in {}: {}", runsRoot, e.toString());
        }
    }
}
