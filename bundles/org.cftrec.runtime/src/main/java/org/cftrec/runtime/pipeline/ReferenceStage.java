package org.cftrec.runtime.pipeline;

import org.cftrec.api.AtomicFiles;
import org.cftrec.api.PluginContext;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.data.ReferenceScores;
import org.cftrec.api.eval.RankingMetrics;
import org.cftrec.api.reference.Reference;
import org.cftrec.api.reference.ReferenceJob;
import org.cftrec.runtime.plugins.ResolvedPlugin;
import org.cftrec.runtime.run.RunDirectory;
import org.cftrec.runtime.spec.SpecJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Trains and scores the spec's reference recommenders (plugin kind {@code reference}) on the cases the variants
 * were scored on. Each writes {@code references/<name>.json} (its scores; a resumed run reuses them) and
 * {@code references/<name>-ranks.jsonl} (user, target and the target's rank per case, as the variants'
 * predictions files give them, so that a study can pair the two over users).
 */
final class ReferenceStage {
    private final RunDirectory dir;
    private final PluginContext context;
    private final BooleanSupplier stopRequested;
    private final Runnable checkpoint;

    ReferenceStage(RunDirectory dir, PluginContext context, BooleanSupplier stopRequested, Runnable checkpoint) {
        this.dir = dir;
        this.context = context;
        this.stopRequested = stopRequested;
        this.checkpoint = checkpoint;
    }

    /** Trains and scores one reference; each line it logs also goes to {@code progress} (the console's line). */
    ReferenceScores run(ResolvedPlugin<Reference> reference, RecDataset dataset, List<Example> cases,
                        List<Integer> ks, Consumer<String> progress) throws IOException {
        String name = reference.name();
        Path scoresFile = dir.resolve("references", name + ".json");
        if (Files.exists(scoresFile)) {
            dir.log("reference " + name + " already scored; reusing its results");
            return SpecJson.MAPPER.readValue(scoresFile.toFile(), ReferenceScores.class);
        }
        Path work = dir.resolve("references", name);
        Files.createDirectories(work);
        ReferenceJob job = new ReferenceJob(dataset, cases, new PluginContext(context.seed(), context.dataRoot(), work,
                context.allowedRoots()), stopRequested, line -> {
                    dir.log("reference " + name + ": " + line);
                    progress.accept(line);
                });
        int[] ranks;
        try {
            ranks = reference.instance().ranks(job);
        } catch (CancellationException e) {
            checkpoint.run(); // ends the run with the stop's own reason
            throw e;
        }
        if (ranks.length != cases.size()) {
            throw new IllegalStateException("reference " + reference.label() + " ranked " + ranks.length
                    + " cases, but " + cases.size() + " were given");
        }
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < ranks.length; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("user", cases.get(i).user());
            row.put("target", cases.get(i).target());
            row.put("target_rank", ranks[i]);
            lines.append(SpecJson.oneLine(row)).append('\n');
        }
        ReferenceScores scores = new ReferenceScores(name,
                RankingMetrics.compute(Arrays.stream(ranks).boxed().toList(), ks));
        AtomicFiles.write(dir.resolve("references", name + "-ranks.jsonl"),
                lines.toString().getBytes(StandardCharsets.UTF_8));
        dir.writeJson("references/" + name + ".json", scores); // last: its presence marks the reference done
        dir.log("reference " + name + ": " + scores.metrics());
        return scores;
    }
}
