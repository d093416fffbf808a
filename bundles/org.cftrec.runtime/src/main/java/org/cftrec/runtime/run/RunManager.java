package org.cftrec.runtime.run;

import org.cftrec.api.run.ExperimentService;
import org.cftrec.api.run.PluginInfo;
import org.cftrec.api.run.RunInfo;
import org.cftrec.api.run.RunReporter;
import org.cftrec.api.run.RunStatus;
import org.cftrec.api.spec.ExperimentSpec;
import org.cftrec.api.spec.SpecException;
import org.cftrec.runtime.pipeline.ExperimentPlan;
import org.cftrec.runtime.plugins.PluginCatalog;
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
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The experiment service: validates and queues runs, and keeps their state (restored across restarts by
 * {@link RunHistory}). Each run executes on the queue's worker thread through {@link RunWorker}, with its
 * {@link Provenance} written first.
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
    private RunWorker worker;
    /** Marks every run SHUTDOWN-stopped as soon as the framework begins to stop, before plugin bundles go. */
    private final SynchronousBundleListener shutdownListener = event -> {
        if (event.getBundle().getBundleId() == 0 && event.getType() == BundleEvent.STOPPING) {
            runs.values().forEach(s -> s.requestStop(StopReason.SHUTDOWN));
        }
    };
    private Path runsRoot;
    private RunsFolderLock runsLock;
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
        worker = new RunWorker(dataAccess, () -> reporters == null ? List.of() : reporters);
        try {
            runsLock = RunsFolderLock.acquire(runsRoot);
        } catch (IOException e) {
            throw new IllegalStateException("cannot use the runs folder " + runsRoot + ": " + e, e);
        }
        runs.putAll(RunHistory.restore(runsRoot, runsLock.owned()));
        if (!runsLock.owned()) {
            LOG.warn("the runs folder {} belongs to another CFTRec runtime: its runs are read, none is started here",
                    runsRoot);
        }
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
        try {
            runsLock.close();
        } catch (IOException e) {
            LOG.warn("releasing the runs folder's lock: {}", e.toString());
        }
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
        requireRunsCanStart();
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
        refuseUnlessOwner();
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
        requireRunsCanStart();
        ExperimentSpec spec = SpecJson.read(state.directory().resolve("spec.json"));
        ExperimentPlan plan = ExperimentPlan.of(spec, catalog);
        state.queued();
        state.directory().log("resuming with the plugins installed now");
        submit(plan, state);
        return state.snapshot();
    }

    /** Only the runtime that owns the runs folder changes its runs (see {@link RunsFolderLock}). */
    private void refuseUnlessOwner() {
        if (!runsLock.owned()) {
            throw new IllegalStateException("the runs folder " + runsRoot + " belongs to another CFTRec runtime"
                    + " (it holds " + RunsFolderLock.FILE + "): start, resume and cancel runs there, or give this"
                    + " runtime a runs folder of its own (CFTREC_RUNS or runsRoot); its runs can be listed and"
                    + " shown here");
        }
    }

    /**
     * Before a run is made or resumed: this runtime owns the runs folder, and no run the watchdog abandoned may
     * still hold the engine.
     */
    private void requireRunsCanStart() {
        refuseUnlessOwner();
        queue.leftBehind().ifPresent(reason -> {
            throw new IllegalStateException("refused: " + reason);
        });
    }

    /**
     * The dataset's files exist and lie in the allowed roots (checked without reading them), and the backbone's
     * checkpoint and adapter files are what its loader accepts (headers only, no weights loaded).
     */
    private void checkData(ExperimentPlan plan) {
        try {
            plan.dataset().instance().checkData(dataAccess.context(plan.spec().seed(), runsRoot));
        } catch (IOException | IllegalArgumentException e) {
            throw new SpecException("dataset.params: " + e.getMessage(), e);
        }
        try {
            plan.backbone().instance().check(dataAccess.context(plan.spec().seed(), runsRoot));
        } catch (IOException | IllegalArgumentException e) {
            String message = e.getMessage();
            throw new SpecException(message.startsWith("backbone.params") ? message : "backbone.params: " + message, e);
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
        Provenance.write(plan, state.directory(), bundleContext);
        queue.submit(state, () -> worker.execute(plan, state), () -> !plan.unavailable().isEmpty());
    }

}
