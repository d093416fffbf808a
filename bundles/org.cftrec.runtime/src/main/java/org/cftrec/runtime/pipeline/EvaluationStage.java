package org.cftrec.runtime.pipeline;

import ai.djl.ndarray.NDScope;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.eval.CaseRanking;
import org.cftrec.api.eval.EvaluationCase;
import org.cftrec.api.eval.EvaluationJob;
import org.cftrec.api.eval.Evaluator;
import org.cftrec.api.eval.RankingMetrics;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.run.ModeResults;
import org.cftrec.api.spec.EvaluationSpec;
import org.cftrec.api.spec.ItemsSpec;
import org.cftrec.api.spec.HistoryMode;
import org.cftrec.runtime.plugins.ResolvedPlugin;
import org.cftrec.runtime.run.RunDirectory;
import org.cftrec.runtime.spec.SpecJson;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A variant's evaluation: each protocol ranks the catalogue for the test cases under each history mode; the
 * runtime computes the metrics from the target ranks, the popularity profiles and the predictions files.
 */
final class EvaluationStage {
    private final ExperimentPlan plan;
    private final RunDirectory dir;
    private final long seed;
    /** Ends the run between protocols and modes when a stop was requested or a plugin went away. */
    private final Runnable checkpoint;
    private final Progress progress;

    /** Where the evaluation stands: the share of (protocol, history mode) pairs done, and a line for the user. */
    @FunctionalInterface
    interface Progress {
        void report(double done, String message);
    }

    EvaluationStage(ExperimentPlan plan, RunDirectory dir, long seed, Runnable checkpoint, Progress progress) {
        this.plan = plan;
        this.dir = dir;
        this.seed = seed;
        this.checkpoint = checkpoint;
        this.progress = progress;
    }

    /** Every protocol and history mode on the variant's model: metrics, popularity profiles, predictions files. */
    Map<String, Map<String, ModeResults>> run(String variant, Backbone backbone, RecDataset dataset, PromptRenderer prompts,
                            Path variantDir) throws IOException {
        EvaluationSpec spec = plan.spec().evaluation();
        Map<String, String> targetTexts = prompts.targetTexts();
        Map<String, String> titlesOfCodes = plan.spec().items().representation() == ItemsSpec.Representation.TITLE
                ? null : dataset.itemsById().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                        Map.Entry::getKey, e -> e.getValue().title()));
        PopularityProfile popularity = new PopularityProfile(dataset);
        Map<String, Map<String, ModeResults>> byProtocol = new LinkedHashMap<>();
        int pairs = plan.evaluators().stream().mapToInt(p -> spec.historyModes(p.name()).size()).sum();
        int pairsDone = 0;
        for (ResolvedPlugin<Evaluator> protocol : plan.evaluators()) {
            int maxCases = spec.maxCases(protocol.name());
            List<Example> test = maxCases > 0 && dataset.test().size() > maxCases
                    ? dataset.test().subList(0, maxCases) : dataset.test();
            List<String> historyItems = test.stream().flatMap(e -> e.history().stream()).toList();
            Map<String, ModeResults> byMode = new LinkedHashMap<>();
            for (HistoryMode mode : spec.historyModes(protocol.name())) {
                checkpoint.run();
                List<EvaluationCase> cases = prompts.cases(test, mode, seed);
                String label = protocol.name() + " / " + mode.name().toLowerCase(Locale.ROOT);
                progress.report((double) pairsDone / pairs, label + ": ranking " + cases.size() + " cases ("
                        + (pairsDone + 1) + " of " + pairs + ")");
                long started = System.nanoTime();
                List<CaseRanking> rankings;
                try (NDScope ignored = new NDScope()) {
                    double share = (double) pairsDone / pairs;
                    rankings = protocol.instance().rank(new EvaluationJob(backbone, dataset, cases, targetTexts,
                            spec.maxK(), done -> {
                                double seconds = (System.nanoTime() - started) / 1e9;
                                progress.report(share + (double) done / cases.size() / pairs, String.format(
                                        Locale.ROOT, "%s: %d/%d cases, %.1f cases/s, %s elapsed, ETA %s", label, done,
                                        cases.size(), done / Math.max(seconds, 1e-9), ExperimentPipeline.clock(seconds),
                                        ExperimentPipeline.clock(seconds / Math.max(done, 1) * (cases.size() - done))));
                            }));
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                List<String> recommended = rankings.stream()
                        .flatMap(r -> r.topItemIds().stream().limit(10)).toList();
                ModeResults entry = new ModeResults(RankingMetrics.compute(
                        rankings.stream().map(CaseRanking::targetRank).toList(), spec.ks()), cases.size(),
                        cases.size() / Math.max(seconds, 1e-9), new ModeResults.Popularity(
                        popularity.profile(recommended), popularity.profile(historyItems)));
                byMode.put(mode.name().toLowerCase(Locale.ROOT), entry);
                pairsDone++;
                progress.report((double) pairsDone / pairs, String.format(Locale.ROOT,
                        "%s: NDCG@10 %.4f, HR@10 %.4f (%d cases, %.1f cases/s, %s)", label, entry.metric("NDCG@10"),
                        entry.metric("HR@10"), cases.size(), entry.casesPerSecond(),
                        ExperimentPipeline.clock(seconds)));
                String stem = "predictions-" + protocol.name() + "-" + mode.name().toLowerCase(Locale.ROOT);
                PredictionsFile.write(variantDir.resolve(stem + ".jsonl"), cases, rankings, targetTexts, titlesOfCodes);
                PredictionsFile.writeEvaluateJson(variantDir.resolve(stem + ".json"), cases, rankings, targetTexts);
                // JSON, not Map.toString: arrays as numbers, not Java's [D@... names.
                dir.log(variant + ": " + protocol.name() + "/" + mode + " " + SpecJson.oneLine(entry));
            }
            byProtocol.put(protocol.name(), byMode);
        }
        return byProtocol;
    }
}
