package org.cftrec.runtime.pipeline;

import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.core.type.TypeReference;
import org.cftrec.api.AtomicFiles;
import org.cftrec.api.PluginContext;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.Item;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.data.ReferenceScores;
import org.cftrec.api.eval.CaseRanking;
import org.cftrec.api.eval.EvaluationCase;
import org.cftrec.api.eval.EvaluationJob;
import org.cftrec.api.eval.Evaluator;
import org.cftrec.api.spec.HistoryMode;
import org.cftrec.api.eval.RankingMetrics;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.model.BackboneProvider;
import org.cftrec.api.model.BackboneRequest;
import org.cftrec.api.prompt.PromptInput;
import org.cftrec.api.prompt.PromptTemplate;
import org.cftrec.api.prompt.RenderedPrompt;
import org.cftrec.api.spec.EvaluationSpec;
import org.cftrec.api.train.StepMetrics;
import org.cftrec.api.train.TrainerProvider;
import org.cftrec.api.train.TrainingJob;
import org.cftrec.api.train.TrainingListener;
import org.cftrec.api.train.TrainingResult;
import org.cftrec.api.train.ValidationMetrics;
import org.cftrec.runtime.objective.CftTrainingData;
import org.cftrec.runtime.objective.TokenizedExample;
import org.cftrec.runtime.plugins.ResolvedPlugin;
import org.cftrec.runtime.run.DataAccess;
import org.cftrec.runtime.run.RunDirectory;
import org.cftrec.runtime.run.RunState;
import org.cftrec.runtime.run.StopReason;
import org.cftrec.runtime.spec.SpecJson;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * The one place that knows the order of a run: dataset, prompts, then per variant backbone, tokens,
 * training and evaluation, then results. Between stages (and at every training step) it checks for a stop
 * request and for plugins that went away.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
public final class ExperimentPipeline {
    private static final double DATASET_SHARE = 0.05;

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

    /** Runs (or resumes) the experiment; returns the content of results.json. */
    public Map<String, Object> run() throws IOException {
        state.stage("dataset", 0);
        RecDataset dataset = ((ResolvedPlugin<org.cftrec.api.data.DatasetProvider>) (ResolvedPlugin) plan.dataset())
                .service().load(plan.dataset().params(), context);
        dir.writeJson("dataset.json", DatasetSummary.of(dataset));
        dir.log("dataset " + dataset.name() + ": " + dataset.catalogue().size() + " items, "
                + dataset.train().size() + "/" + dataset.valid().size() + "/" + dataset.test().size()
                + " train/valid/test examples");
        checkpoint();

        Map<String, Object> variants = new LinkedHashMap<>();
        int count = plan.variants().size();
        for (int i = 0; i < count; i++) {
            ExperimentPlan.VariantPlan variant = plan.variants().get(i);
            double start = DATASET_SHARE + (1 - DATASET_SHARE) * i / count;
            double share = (1 - DATASET_SHARE) / count;
            variants.put(variant.name(), runVariant(variant, dataset, start, share));
        }
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("name", plan.spec().name());
        results.put("seed", plan.spec().seed());
        results.put("dataset", dataset.name());
        List<ReferenceScores> references = new ArrayList<>(dataset.references());
        if (references.stream().noneMatch(r -> r.name().equals("popularity"))) {
            references.add(PopularityReference.compute(dataset, plan.spec().evaluation()));
        }
        results.put("references", references);
        results.put("variants", variants);
        dir.writeJson("results.json", results);
        return results;
    }

    private Map<String, Object> runVariant(ExperimentPlan.VariantPlan variant, RecDataset dataset, double start,
                                           double share) throws IOException {
        Path variantDir = dir.resolve("variants", variant.name());
        Path resultsFile = variantDir.resolve("results.json");
        if (Files.exists(resultsFile)) {
            dir.log("variant " + variant.name() + " already finished; reusing its results");
            return SpecJson.MAPPER.readValue(resultsFile.toFile(), new TypeReference<Map<String, Object>>() { });
        }
        String at = variant.name() + ": ";
        state.stage(at + "prompts", start);
        PromptRenderer prompts = new PromptRenderer(plan.prompt(), dataset);
        List<RenderedPrompt> train = prompts.renderAll(dataset.train());
        List<RenderedPrompt> valid = prompts.renderAll(dataset.valid());
        checkpoint();

        state.stage(at + "backbone", start + 0.05 * share);
        TrainerProvider trainer = variant.trainer().service();
        String device = trainer.device(variant.trainer().params());
        List<String> corpus = prompts.corpus(train, valid, prompts.renderAll(dataset.test()));
        BackboneProvider provider = plan.backbone().service();
        try (Backbone backbone = provider.open(plan.backbone().params(),
                new BackboneRequest(device, corpus, new PluginContext(context.seed(), context.dataRoot(),
                        variantDir.resolve("work"), context.allowedRoots())))) {
            dir.log(at + "backbone " + backbone.shape() + " on " + backbone.device());
            ExampleEncoder encoder = new ExampleEncoder(backbone.tokenizer(), variant.weighting().service(),
                    variant.weighting().params());
            List<TokenizedExample> trainTokens = new LazyEncodedExamples(train, encoder);
            List<TokenizedExample> validTokens = new LazyEncodedExamples(valid, encoder);
            checkpoint();

            state.stage(at + "training", start + 0.1 * share);
            CftTrainingData data = new CftTrainingData(backbone, trainTokens, validTokens,
                    variant.objective().alpha(), variant.objective().weightScope(), variant.objective().branches());
            Path checkpoints = variantDir.resolve("checkpoints");
            Path last = checkpoints.resolve("last");
            TrainingJob job = new TrainingJob(backbone, data, checkpoints, Files.isDirectory(last) ? last : null,
                    context.seed(), new ProgressListener(variant.name(), start + 0.1 * share, 0.6 * share),
                    () -> state.stopRequested() || !plan.unavailable().isEmpty());
            TrainingResult training = trainer.train(job, variant.trainer().params());
            dir.log(at + "training ended after " + training.steps() + " steps: " + training.reason());
            checkpoint();
            if (training.steps() > 0) {
                saveModel(backbone, variantDir.resolve("model"));
            } else {
                // Zero-shot: the model is the backbone's own checkpoint; a copy would only cost disk and time.
                dir.log(at + "no model written: evaluated as loaded");
            }

            state.stage(at + "evaluation", start + 0.7 * share);
            Map<String, Object> evaluation = evaluate(variant.name(), backbone, dataset, prompts, variantDir);
            Map<String, Object> results = new LinkedHashMap<>();
            results.put("objective", variant.objective());
            results.put("weighting", variant.weighting().name());
            // Empty parameter records (uniform) are written as {} rather than refused.
            results.put("weightingParams", SpecJson.MAPPER.readTree(SpecJson.MAPPER.writer()
                    .without(com.fasterxml.jackson.databind.SerializationFeature.FAIL_ON_EMPTY_BEANS)
                    .writeValueAsBytes(variant.weighting().params())));
            results.put("trainer", variant.trainer().name());
            results.put("training", training);
            results.put("evaluation", evaluation);
            AtomicFiles.write(resultsFile, SpecJson.MAPPER.writeValueAsBytes(results));
            return results;
        }
    }

    private Map<String, Object> evaluate(String variant, Backbone backbone, RecDataset dataset,
                                         PromptRenderer prompts, Path variantDir) throws IOException {
        EvaluationSpec spec = plan.spec().evaluation();
        Map<String, String> targetTexts = prompts.targetTexts();
        PopularityProfile popularity = new PopularityProfile(dataset);
        Map<String, Object> byProtocol = new LinkedHashMap<>();
        for (ResolvedPlugin<Evaluator> protocol : plan.evaluators()) {
            int maxCases = spec.maxCases(protocol.name());
            List<Example> test = maxCases > 0 && dataset.test().size() > maxCases
                    ? dataset.test().subList(0, maxCases) : dataset.test();
            List<String> historyItems = test.stream().flatMap(e -> e.history().stream()).toList();
            Map<String, Object> byMode = new LinkedHashMap<>();
            for (HistoryMode mode : spec.historyModes(protocol.name())) {
                checkpoint();
                List<EvaluationCase> cases = prompts.cases(test, mode, context.seed());
                long started = System.nanoTime();
                List<CaseRanking> rankings;
                try (NDScope ignored = new NDScope()) {
                    rankings = protocol.service().rank(new EvaluationJob(backbone, dataset, cases, targetTexts,
                            spec.maxK()), protocol.params());
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                Map<String, Object> entry = new LinkedHashMap<>(RankingMetrics.compute(
                        rankings.stream().map(CaseRanking::targetRank).toList(), spec.ks()));
                entry.put("cases", cases.size());
                entry.put("casesPerSecond", cases.size() / Math.max(seconds, 1e-9));
                List<String> recommended = rankings.stream()
                        .flatMap(r -> r.topItemIds().stream().limit(10)).toList();
                // Ordered: Map.of iterates in a per-JVM order, and results.json must be the same file every time.
                Map<String, Object> profiles = new LinkedHashMap<>();
                profiles.put("recommendedTop10", popularity.profile(recommended));
                profiles.put("testHistories", popularity.profile(historyItems));
                entry.put("popularity", profiles);
                byMode.put(mode.name().toLowerCase(java.util.Locale.ROOT), entry);
                PredictionsFile.write(variantDir.resolve("predictions-" + protocol.name() + "-"
                        + mode.name().toLowerCase(java.util.Locale.ROOT) + ".jsonl"), cases, rankings, targetTexts);
                // JSON, not Map.toString: arrays as numbers, not Java's [D@... names.
                dir.log(variant + ": " + protocol.name() + "/" + mode + " " + SpecJson.oneLine(entry));
            }
            byProtocol.put(protocol.name(), byMode);
        }
        return byProtocol;
    }

    /** The trained model in the Hugging Face layout, written to a temporary folder and renamed into place. */
    private static void saveModel(Backbone backbone, Path target) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        AtomicFiles.deleteRecursively(temp);
        backbone.save(temp);
        AtomicFiles.deleteRecursively(target);
        AtomicFiles.moveIntoPlace(temp, target);
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

    /** Renders prompts of a dataset's examples with the run's template. */
    private static final class PromptRenderer {
        private final PromptTemplate template;
        private final Object params;
        private final RecDataset dataset;
        private final Map<String, Item> items;

        PromptRenderer(ResolvedPlugin<PromptTemplate> plugin, RecDataset dataset) {
            this.template = plugin.service();
            this.params = plugin.params();
            this.dataset = dataset;
            this.items = dataset.itemsById();
        }

        RenderedPrompt render(List<String> history, String target) {
            List<String> titles = history.stream().map(id -> items.get(id).title()).toList();
            return template.render(new PromptInput(dataset.domain(), titles, items.get(target).title()), params);
        }

        List<RenderedPrompt> renderAll(List<Example> examples) {
            return examples.stream().map(e -> render(e.history(), e.target())).toList();
        }

        Map<String, String> targetTexts() {
            Map<String, String> texts = new LinkedHashMap<>();
            for (Item item : dataset.catalogue()) {
                texts.put(item.id(), render(List.of(), item.id()).target());
            }
            return texts;
        }

        List<EvaluationCase> cases(List<Example> examples, HistoryMode mode, long seed) {
            List<EvaluationCase> cases = new ArrayList<>(examples.size());
            for (int i = 0; i < examples.size(); i++) {
                Example e = examples.get(i);
                String prompt = switch (mode) {
                    case FACTUAL -> render(e.history(), e.target()).factual();
                    case REMOVED -> render(e.history(), e.target()).counterfactual();
                    case SHUFFLED -> {
                        List<String> shuffled = new ArrayList<>(e.history());
                        Collections.shuffle(shuffled, new Random(seed * 31 + i));
                        yield render(shuffled, e.target()).factual();
                    }
                };
                cases.add(new EvaluationCase(e, prompt));
            }
            return cases;
        }

        List<String> corpus(List<RenderedPrompt> train, List<RenderedPrompt> valid, List<RenderedPrompt> test) {
            List<String> corpus = new ArrayList<>();
            for (List<RenderedPrompt> split : List.of(train, valid, test)) {
                for (RenderedPrompt p : split) {
                    corpus.add(p.factual());
                    corpus.add(p.counterfactual());
                    corpus.add(p.target());
                }
            }
            corpus.addAll(targetTexts().values());
            return corpus;
        }
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

        @Override
        public void onStep(StepMetrics m) {
            dropRowsFrom(m.step());
            dir.appendJsonLine("metrics.jsonl", metricsRow("step", m));
            state.progress(start + share * m.step() / Math.max(1, m.totalSteps()), String.format(
                    java.util.Locale.ROOT, "%s step %d/%d loss %.4f (L_n %.4f, L_c %.4f) %.1f ex/s", variant,
                    m.step(), m.totalSteps(), m.loss(), m.factualLoss(), m.counterfactualLoss(),
                    m.examplesPerSecond()));
        }

        @Override
        public void onValidation(ValidationMetrics m) {
            dropRowsFrom(m.step());
            dir.appendJsonLine("metrics.jsonl", metricsRow("validation", m));
            dir.log(variant + ": validation L_n " + m.factualLoss() + " at step " + m.step()
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
