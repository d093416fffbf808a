package org.cftrec.runtime.pipeline;

import com.fasterxml.jackson.core.type.TypeReference;
import org.cftrec.api.AtomicFiles;
import org.cftrec.api.PluginContext;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.data.ReferenceScores;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.model.BackboneRequest;
import org.cftrec.api.prompt.RenderedPrompt;
import org.cftrec.api.run.ExperimentResults;
import org.cftrec.api.run.ModeResults;
import org.cftrec.api.run.TrainingSummary;
import org.cftrec.api.run.VariantResults;
import org.cftrec.api.train.StepMetrics;
import org.cftrec.api.train.Trainer;
import org.cftrec.api.train.TrainingJob;
import org.cftrec.api.train.TrainingListener;
import org.cftrec.api.train.TrainingResult;
import org.cftrec.api.train.ValidationMetrics;
import org.cftrec.runtime.objective.CftTrainingData;
import org.cftrec.api.train.TokenizedExample;
import org.cftrec.api.spec.HistoryMode;
import org.cftrec.api.spec.ItemsSpec;
import org.cftrec.runtime.items.ItemTexts;
import org.cftrec.runtime.plugins.ResolvedPlugin;
import org.cftrec.runtime.run.DataAccess;
import org.cftrec.runtime.run.RunDirectory;
import org.cftrec.runtime.run.RunState;
import org.cftrec.runtime.run.StopReason;
import org.cftrec.runtime.spec.SpecJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one place that knows the order of a run: dataset, prompts ({@link PromptRenderer}), then per variant backbone,
 * tokens, training and evaluation ({@link EvaluationStage}), then results. Between stages (and at every training
 * step) it checks for a stop request and for plugins that went away.
 */
public final class ExperimentPipeline {
    private static final double DATASET_SHARE = 0.05;
    /** Of the progress bar, what the reference recommenders take when the spec lists any. */
    private static final double REFERENCES_SHARE = 0.1;

    private final ExperimentPlan plan;
    private final RunState state;
    private final RunDirectory dir;
    private final PluginContext context;

    public ExperimentPipeline(ExperimentPlan plan, RunState state, DataAccess dataAccess) {
        this.plan = plan;
        this.state = state;
        this.dir = state.directory();
        this.context = dataAccess.context(plan.spec().seed(), dir.resolve("work"));
    }

    /** Runs (or resumes) the experiment; returns what it wrote to results.json. */
    public ExperimentResults run() throws IOException {
        state.stage("dataset", 0);
        RecDataset dataset = plan.dataset().instance().load(context);
        dir.writeJson("dataset.json", DatasetSummary.of(dataset));
        dir.log("dataset " + dataset.name() + ": " + dataset.catalogue().size() + " items, "
                + dataset.train().size() + "/" + dataset.valid().size() + "/" + dataset.test().size()
                + " train/valid/test examples");
        Map<String, String> itemTexts = ItemTexts.of(dataset.catalogue(), plan.spec().items());
        dir.log("items as " + plan.spec().items().representation().name().toLowerCase(java.util.Locale.ROOT)
                .replace('_', '-')
                + (plan.spec().items().representation() == ItemsSpec.Representation.TITLE ? ""
                : ", e.g. " + itemTexts.values().stream().limit(3).toList()));
        checkpoint();

        double referencesShare = plan.references().isEmpty() ? 0 : REFERENCES_SHARE;
        double variantsShare = 1 - DATASET_SHARE - referencesShare;
        Map<String, VariantResults> variants = new LinkedHashMap<>();
        int count = plan.variants().size();
        for (int i = 0; i < count; i++) {
            ExperimentPlan.VariantPlan variant = plan.variants().get(i);
            double start = DATASET_SHARE + variantsShare * i / count;
            double share = variantsShare / count;
            variants.put(variant.name(), runVariant(variant, dataset, itemTexts, start, share));
        }
        // The runtime's own popularity baseline replaces a dataset's: it is scored on the cases the models are
        // (maxCases), where a dataset's is scored on all of its test split. Item-kNN places a classic
        // non-LLM recommender beside it, on the same cases.
        List<ReferenceScores> references = new ArrayList<>(dataset.references().stream()
                .filter(r -> !r.name().equals("popularity")).toList());
        references.add(PopularityReference.compute(dataset, plan.spec().evaluation()));
        references.add(ItemKnnReference.compute(dataset, plan.spec().evaluation()));
        ReferenceStage referenceStage = new ReferenceStage(dir, context, this::stopRequested, this::checkpoint);
        for (int i = 0; i < plan.references().size(); i++) {
            var reference = plan.references().get(i);
            double at = 1 - referencesShare + referencesShare * i / plan.references().size();
            state.stage("reference " + reference.name(), at);
            references.add(referenceStage.run(reference, dataset,
                    PopularityReference.casesScored(dataset, plan.spec().evaluation()), plan.spec().evaluation().ks(),
                    message -> state.progress(at, message)));
            checkpoint();
        }
        ExperimentResults results = new ExperimentResults(plan.spec().name(), plan.spec().seed(), dataset.name(),
                references, variants);
        dir.writeJson("results.json", results);
        return results;
    }

    private VariantResults runVariant(ExperimentPlan.VariantPlan variant, RecDataset dataset,
                                      Map<String, String> itemTexts, double start, double share) throws IOException {
        Path variantDir = dir.resolve("variants", variant.name());
        Path resultsFile = variantDir.resolve("results.json");
        if (Files.exists(resultsFile)) {
            dir.log("variant " + variant.name() + " already finished; reusing its results");
            return SpecJson.MAPPER.readValue(resultsFile.toFile(), VariantResults.class);
        }
        String at = variant.name() + ": ";
        state.stage(at + "prompts", start);
        PromptRenderer prompts = new PromptRenderer(plan.prompt(), dataset, itemTexts);
        List<RenderedPrompt> train = prompts.renderAll(dataset.train());
        List<RenderedPrompt> valid = prompts.renderAll(dataset.valid());
        checkpoint();

        state.stage(at + "backbone", start + 0.05 * share);
        Trainer trainer = variant.trainer().instance();
        String device = trainer.device();
        List<String> corpus = prompts.corpus(train, valid, prompts.renderAll(dataset.test()));
        try (Backbone backbone = plan.backbone().instance().open(new BackboneRequest(device, corpus,
                ItemTexts.tokens(itemTexts, plan.spec().items()), new PluginContext(context.seed(), context.dataRoot(),
                        variantDir.resolve("work"), context.allowedRoots())))) {
            dir.log(at + "backbone " + backbone.shape() + " on " + backbone.device());
            ExampleEncoder encoder = new ExampleEncoder(backbone.tokenizer(), variant.weighting().instance());
            boolean prior = variant.objective().history() == HistoryMode.REMOVED;
            if (prior) {
                dir.log(at + "training on the targets without their histories (objective.history removed)");
            }
            List<TokenizedExample> trainTokens = new LazyEncodedExamples(prior ? withoutHistory(train) : train, encoder);
            List<TokenizedExample> validTokens = new LazyEncodedExamples(prior ? withoutHistory(valid) : valid, encoder);
            checkpoint();

            state.stage(at + "training", start + 0.1 * share);
            CftTrainingData data = new CftTrainingData(backbone, trainTokens, validTokens,
                    variant.objective().alpha(), variant.objective().weightScope(), variant.objective().branches(),
                    plan.evaluators().isEmpty() ? null : n -> ValidationRanking.rank(plan.evaluators().get(0).instance(),
                            backbone, dataset, prompts, n, context.seed()));
            Path checkpoints = variantDir.resolve("checkpoints");
            Path last = checkpoints.resolve("last");
            TrainingJob job = new TrainingJob(backbone, data, checkpoints, Files.isDirectory(last) ? last : null,
                    context.seed(), new ProgressListener(variant.name(), start + 0.1 * share, 0.6 * share),
                    this::stopRequested);
            TrainingResult training = trainer.train(job);
            dir.log(at + "training ended after " + training.steps() + " steps: " + training.reason());
            checkpoint();
            if (training.steps() > 0) {
                saveModel(backbone, variantDir.resolve("model"));
            } else {
                // Zero-shot: the model is the backbone's own checkpoint; a copy would only cost disk and time.
                dir.log(at + "no model written: evaluated as loaded");
            }

            state.stage(at + "evaluation", start + 0.7 * share);
            Map<String, Map<String, ModeResults>> evaluation = new EvaluationStage(plan, dir, context.seed(), this::checkpoint,
                    (done, message) -> state.progress(start + (0.7 + 0.3 * done) * share, message))
                    .run(variant.name(), backbone, dataset, prompts, variantDir);
            // Empty parameter records (uniform) are written as {} rather than refused.
            Map<String, Object> weightingParams = SpecJson.MAPPER.readValue(SpecJson.MAPPER.writer()
                    .without(com.fasterxml.jackson.databind.SerializationFeature.FAIL_ON_EMPTY_BEANS)
                    .writeValueAsBytes(variant.weighting().params()), new TypeReference<Map<String, Object>>() { });
            VariantResults results = new VariantResults(variant.objective(), variant.weighting().name(),
                    weightingParams, variant.trainer().name(), new TrainingSummary(training.steps(),
                    training.bestStep(), training.bestValidationLoss(), training.bestCheckpoint() == null ? null
                    : training.bestCheckpoint().toString(), training.stoppedEarly(), training.reason()), evaluation);
            AtomicFiles.write(resultsFile, SpecJson.MAPPER.writeValueAsBytes(results));
            return results;
        }
    }

    /** Each example as its target after the counterfactual prompt: what a model learns without histories. */
    private static List<RenderedPrompt> withoutHistory(List<RenderedPrompt> prompts) {
        return prompts.stream().map(p -> new RenderedPrompt(p.counterfactual(), p.counterfactual(), p.target())).toList();
    }

    /** The trained model in the Hugging Face layout, written to a temporary folder and renamed into place. */
    private static void saveModel(Backbone backbone, Path target) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        AtomicFiles.deleteRecursively(temp);
        backbone.save(temp);
        AtomicFiles.deleteRecursively(target);
        AtomicFiles.moveIntoPlace(temp, target);
    }

    /** Whether a plugin's or trainer's loop should stop: a stop was requested or a plugin of the plan went away. */
    private boolean stopRequested() {
        return state.stopRequested() || !plan.unavailable().isEmpty();
    }

    /**
     * Ends the run here if a stop was requested or a plugin went away. A shutdown comes first: while the runtime
     * stops, the plugins' bundles stop too, and the run would otherwise blame them.
     */
    private void checkpoint() {
        StopReason reason = state.stopReason();
        if (reason == StopReason.SHUTDOWN) {
            throw new RunStopped(reason.message(), reason.status());
        }
        List<ResolvedPlugin<?>> gone = plan.unavailable();
        if (!gone.isEmpty()) {
            throw new RunStopped("plugin went away: " + gone.stream().map(ResolvedPlugin::label)
                    .collect(Collectors.joining(", ")) + "; install a replacement and resume the run",
                    StopReason.PLUGIN_LOST.status());
        }
        if (reason != null) {
            throw new RunStopped(reason.message(), reason.status());
        }
    }

    /** Seconds as m:ss or h:mm:ss. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(java.util.Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(java.util.Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** Forwards trainer progress to the run's state, log and metrics file. */
    private final class ProgressListener implements TrainingListener {
        private final String variant;
        private final double start;
        private final double share;

        ProgressListener(String variant, double start, double share) {
            this.variant = variant;
            this.start = start;
            this.share = share;
        }

        /** Whether rows a resumed variant will write again have been dropped from metrics.jsonl. */
        private boolean resumedRowsDropped;

        /**
         * A resumed variant continues after its last checkpoint and reports those steps again: rows of this
         * variant from that step on (written before the interruption) go, so that each step has one row.
         */
        private void dropRowsFrom(int step) {
            if (!resumedRowsDropped) {
                resumedRowsDropped = true;
                dir.dropJsonLines("metrics.jsonl", row -> variant.equals(row.path("variant").asText())
                        && row.path("step").asInt() >= step);
            }
        }

        /** When this listener saw its first step, and which: elapsed time and ETA count from there (resume too). */
        private long firstStepNanos;
        private int firstStep;
        /** The latest validation, shown with every step after it. */
        private String validation = "";

        @Override
        public void onStep(StepMetrics m) {
            dropRowsFrom(m.step());
            dir.appendJsonLine("metrics.jsonl", metricsRow("step", m));
            long now = System.nanoTime();
            if (firstStepNanos == 0) {
                firstStepNanos = now;
                firstStep = m.step();
            }
            double elapsed = (now - firstStepNanos) / 1e9;
            int done = m.step() - firstStep;
            String eta = done == 0 ? "?" : clock(elapsed / done * (m.totalSteps() - m.step()));
            // Most telling first (as tqdm): a terminal narrower than the line cuts its end.
            state.progress(start + share * m.step() / Math.max(1, m.totalSteps()), String.format(
                    java.util.Locale.ROOT, "step %d/%d epoch %d | %s elapsed, ETA %s | %.1f ex/s | loss %.4f (L_n %.4f, "
                            + "L_c %.4f)%s | lr %.2e | grad norm %.3f", m.step(), m.totalSteps(), m.epoch(),
                    clock(elapsed), eta, m.examplesPerSecond(), m.loss(), m.factualLoss(), m.counterfactualLoss(),
                    validation, m.learningRate(), m.gradientNorm()));
        }

        @Override
        public void onValidation(ValidationMetrics m) {
            dropRowsFrom(m.step());
            dir.appendJsonLine("metrics.jsonl", metricsRow("validation", m));
            String ranking = m.ranking().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> String.format(java.util.Locale.ROOT, " %s %.4f", e.getKey(), e.getValue()))
                    .collect(Collectors.joining(","));
            validation = String.format(java.util.Locale.ROOT, " | val L_n %.4f%s @%d%s", m.factualLoss(), ranking,
                    m.step(), m.best() ? " (best)" : "");
            dir.log(variant + ": validation L_n " + m.factualLoss() + ranking + " at step " + m.step()
                    + (m.best() ? " (best)" : ""));
        }

        /**
         * One metrics.jsonl row: variant, type, the wall-clock time it was written (UTC, ISO-8601; the one field
         * besides examplesPerSecond that differs between two runs of the same spec and seed), then the metrics.
         */
        private Map<String, Object> metricsRow(String type, Object metrics) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("variant", variant);
            line.put("type", type);
            line.put("time", java.time.Instant.now().toString());
            line.putAll(SpecJson.MAPPER.convertValue(metrics, new TypeReference<Map<String, Object>>() { }));
            return line;
        }

        @Override
        public void onMessage(String message) {
            dir.log(variant + ": " + message);
        }
    }
}
