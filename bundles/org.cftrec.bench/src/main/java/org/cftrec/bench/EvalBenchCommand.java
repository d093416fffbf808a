package org.cftrec.bench;

import org.cftrec.api.AtomicFiles;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cftrec.api.PluginContext;
import org.cftrec.api.data.DatasetPlugin;
import org.cftrec.api.data.DatasetSource;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.Item;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.eval.EvaluationCase;
import org.cftrec.api.eval.EvaluationJob;
import org.cftrec.api.eval.Evaluator;
import org.cftrec.api.eval.EvaluatorPlugin;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.model.BackboneLoader;
import org.cftrec.api.model.BackbonePlugin;
import org.cftrec.api.model.BackboneRequest;
import org.cftrec.api.prompt.PromptInput;
import org.cftrec.api.prompt.PromptPlugin;
import org.cftrec.api.prompt.PromptTemplate;
import org.cftrec.api.prompt.RenderedPrompt;
import org.cftrec.djl.Djl;
import org.osgi.framework.BundleContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Users/s of the evaluation protocols on the tiny llama preset (hidden 256, 4 layers) and a synthetic
 * catalogue of about 4,000 titled items, with the alpaca prompts of the synthetic test users. The model is
 * untrained: decoding cost does not depend on the weights, only the beams' paths do. Each protocol first runs
 * untimed on a few cases (the engine's first calls pay one-time costs that a run's evaluation, coming after
 * training, never sees); that warm-up's time is printed too.
 */
@Service
@Command(scope = "bench", name = "eval", description = "Evaluation protocols' users/s on a ~4,000-item catalogue (d3 10 beams, bigrec 5 beams, exact)")
public class EvalBenchCommand implements Action {
    @Reference
    private BundleContext context;

    @Option(name = "--users", description = "test users for d3 and bigrec (default 256)")
    private int users = 256;

    @Option(name = "--exact-users", description = "test users for exact (default 4)")
    private int exactUsers = 4;

    @Option(name = "--batch", description = "cases decoded together by d3 and bigrec (default: each plugin's own)")
    private Integer batch;

    @Option(name = "--layers", description = "tiny preset: decoder layers (default 4)")
    private int layers = 4;

    @Option(name = "--hidden", description = "tiny preset: hidden size (default 256; SwiGLU width 2.6875 x hidden)")
    private int hidden = 256;

    @Option(name = "--warmup", description = "cases each protocol runs untimed first (default: 64 or --batch for d3 and bigrec, 1 for exact; 0 = none)")
    private Integer warmup;

    @Option(name = "--protocols", description = "comma-separated subset of d3, bigrec, exact (default all)")
    private String protocols = "d3,bigrec,exact";

    @Override
    public Object execute() throws Exception {
        Djl.disableGradientTracking();
        Path work = Files.createTempDirectory("cftrec-bench");
        try {
            return measure(work);
        } finally {
            AtomicFiles.deleteRecursively(work); // the dataset and the backbone's files: nothing stays in data/tmp
        }
    }

    private Object measure(Path work) throws Exception {
        PluginContext plugins = new PluginContext(1, work, work);
        RecDataset dataset = BenchSupport.bound(context, DatasetPlugin.class, DatasetSource.class, "synthetic",
                "{\"items\": 4002, \"partsPerSeries\": 6, \"genres\": 10, \"users\": " + Math.max(users, exactUsers)
                        + ", \"minLength\": 6, \"maxLength\": 11}").load(plugins);
        PromptTemplate alpaca = BenchSupport.bound(context, PromptPlugin.class, PromptTemplate.class, "alpaca", "{}");
        Map<String, Item> items = dataset.itemsById();
        Map<String, String> targetTexts = new LinkedHashMap<>();
        List<String> corpus = new ArrayList<>();
        for (Item item : dataset.catalogue()) {
            String text = alpaca.render(new PromptInput(dataset.domain(), List.of(), item.title())).target();
            targetTexts.put(item.id(), text);
            corpus.add(text);
        }
        List<EvaluationCase> cases = new ArrayList<>();
        for (Example e : dataset.test()) {
            List<String> history = e.history().stream().map(id -> items.get(id).title()).toList();
            RenderedPrompt p = alpaca.render(new PromptInput(dataset.domain(), history,
                    items.get(e.target()).title()));
            cases.add(new EvaluationCase(e, p.factual()));
            corpus.add(p.factual());
        }
        BackboneLoader llama = BenchSupport.bound(context, BackbonePlugin.class, BackboneLoader.class, "llama",
                "{\"preset\": \"tiny\", \"layers\": " + layers + ", \"hidden\": " + hidden + ", \"intermediate\": "
                        + Math.round(hidden * 2.6875) + "}");
        try (Backbone model = llama.open(new BackboneRequest("cpu", corpus, plugins))) {
            System.out.println("engine: " + Djl.describe());
            // This machine's speed drifts: the peak measured now tells which phase the figures below come from.
            System.out.println("matmul fp32 peak (2048^3): " + BenchSupport.fmt(BenchSupport.matmulPeak(2048)) + " GFLOP/s");
            System.out.println("model: " + model.shape() + "; catalogue " + dataset.catalogue().size() + " items");
            String beamSearch = (batch == null ? "" : ", \"batchCases\": " + batch) + "}";
            int beamWarmup = warmup == null ? (batch == null ? 64 : batch) : warmup;
            if (protocols.contains("d3")) measure("d3", "{\"beams\": 10" + beamSearch, cases.subList(0, users), beamWarmup, model, dataset, targetTexts);
            if (protocols.contains("bigrec")) measure("bigrec", "{\"beams\": 5" + beamSearch, cases.subList(0, users), beamWarmup, model, dataset, targetTexts);
            if (protocols.contains("exact")) measure("exact", "{}", cases.subList(0, exactUsers), warmup == null ? 1 : warmup, model, dataset, targetTexts);
        }
        return null;
    }

    private void measure(String name, String params, List<EvaluationCase> cases, int warmupCases, Backbone model,
                         RecDataset dataset, Map<String, String> targetTexts) throws Exception {
        Evaluator evaluator = BenchSupport.bound(context, EvaluatorPlugin.class, Evaluator.class, name, params);
        double warmupSeconds = rankSeconds(evaluator, cases.subList(0, Math.min(warmupCases, cases.size())),
                model, dataset, targetTexts);
        double seconds = rankSeconds(evaluator, cases, model, dataset, targetTexts);
        System.out.println("{\"protocol\": \"" + name + "\", \"params\": " + params + ", \"users\": " + cases.size()
                + ", \"seconds\": " + BenchSupport.fmt(seconds) + ", \"users_per_s\": "
                + BenchSupport.fmt(cases.size() / seconds) + ", \"warmup_users\": " + Math.min(warmupCases, cases.size())
                + ", \"warmup_seconds\": " + BenchSupport.fmt(warmupSeconds) + "}");
    }

    private double rankSeconds(Evaluator evaluator, List<EvaluationCase> cases, Backbone model,
                               RecDataset dataset, Map<String, String> targetTexts) throws Exception {
        if (cases.isEmpty()) {
            return 0;
        }
        EvaluationJob job = new EvaluationJob(model, dataset, cases, targetTexts, 20);
        long start = System.nanoTime();
        try (ai.djl.ndarray.NDScope ignored = new ai.djl.ndarray.NDScope()) {
            evaluator.rank(job);
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
