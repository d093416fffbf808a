package org.cftrec.bench;

import org.cftrec.api.AtomicFiles;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.spec.BranchLayout;
import org.cftrec.api.spec.WeightScope;
import org.cftrec.api.train.StepMetrics;
import org.cftrec.api.train.Trainer;
import org.cftrec.api.train.TrainerPlugin;
import org.cftrec.api.train.TrainingJob;
import org.cftrec.api.train.TrainingListener;
import org.cftrec.djl.Djl;
import org.cftrec.runtime.objective.CftTrainingData;
import org.cftrec.api.train.TokenizedExample;
import org.osgi.framework.BundleContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The CFT training step against the PyTorch-eager peer (../shared/bench/torch_cft_ref.py): same model
 * (vocab 8000, hidden 256, 4 layers, 4 heads, SwiGLU 688), batch 16, factual length 96, counterfactual
 * length 48, 12 target tokens, AdamW, linear weights (beta 0.25). Runs the installed {@code cpu} trainer and
 * the runtime's objective, so the figures are those of a real run. Modes: sft (alpha 0), cft (both branches
 * in one forward call) and cft-separate (two calls). The modes run in turn for several rounds and each mode's
 * figure is the median over all its rounds' steps: this machine's speed drifts within minutes, and modes
 * measured one after the other in a single block took that drift for a difference between them.
 */
@Service
@Command(scope = "bench", name = "train", description = "SFT vs CFT training step at the peer's shape: examples/s, CFT/SFT ratio, MFU")
public class TrainBenchCommand implements Action {

    @Reference
    private BundleContext context;

    @Option(name = "--steps", description = "measured steps per mode and round (default 10, after the warm-up steps)")
    private int steps = 10;

    @Option(name = "--warmup", description = "steps run before measuring, per mode and round (default 3)")
    private int warmup = 3;

    @Option(name = "--rounds", description = "rounds over the modes (default 3)")
    private int rounds = 3;

    @Option(name = "--modes", description = "comma-separated: sft, cft, cft-separate (default all, in this order)")
    private String modes = "sft,cft,cft-separate";

    @Option(name = "--checkpoint", description = "a Hugging Face checkpoint folder to train instead of the peer's"
            + " tiny model (e.g. one written by cftrec:init-model); relative to your working directory")
    private String checkpoint;

    @Option(name = "--backbone-params", description = "with --checkpoint: more llama parameters as JSON, e.g."
            + " '{\"lora\": {\"rank\": 16}}' or '{\"freeze\": [\"embeddings\", \"head\"]}'")
    private String backboneParams;

    @Option(name = "--batch", description = "examples per step (default 16)")
    private int batch = 16;

    @Option(name = "--factual", description = "factual row length in tokens, target included (default 96)")
    private int factualLength = 96;

    @Option(name = "--counterfactual", description = "counterfactual row length in tokens (default 48)")
    private int counterfactualLength = 48;

    @Option(name = "--targets", description = "target tokens per example (default 12)")
    private int targetTokens = 12;

    /** The process's peak resident bytes after each step's update (before the last step's checkpoint). */
    private final List<Long> peakAtStep = new ArrayList<>();

    @Override
    public Object execute() throws Exception {
        Djl.disableGradientTracking();
        double peak = BenchSupport.matmulPeak(2048);
        Trainer trainer = BenchSupport.bound(context, TrainerPlugin.class, Trainer.class, "cpu", "{\"lr\": 1e-4, \"warmupSteps\": 0, \"microBatch\": " + batch
                + ", \"accumulation\": 1, \"epochs\": 1000, \"maxSteps\": " + (steps + warmup)
                + ", \"evalEvery\": 100000, \"patience\": 0}");
        System.out.println("engine: " + Djl.describe());
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        Map<String, Long> peakResident = new LinkedHashMap<>();
        long parameters = 0;
        for (int round = 0; round < rounds; round++) {
            for (String mode : modes.split(",")) {
                try (Backbone model = checkpoint == null ? BenchSupport.peerBackbone(context, 1)
                        : BenchSupport.checkpointBackbone(context, checkpoint, backboneParams)) {
                    parameters = model.shape().parameterCount();
                    seconds.computeIfAbsent(mode, m -> new ArrayList<>()).addAll(stepSeconds(trainer, model, mode));
                }
                // The process's peak so far: the highest of the modes run up to here (sft first, then cft).
                peakResident.put(mode, Math.max(peakResident.getOrDefault(mode, 0L), BenchSupport.peakResidentBytes()));
            }
        }
        Double sftStep = seconds.containsKey("sft") ? median(seconds.get("sft")) : null;
        for (Map.Entry<String, List<Double>> e : seconds.entrySet()) {
            String mode = e.getKey();
            double step = median(e.getValue());
            // 6 FLOPs per parameter per token over the rows actually computed (stacked: both branches at the
            // factual length; separate: each at its own length; sft: factual rows only).
            long tokens = (long) batch * factualLength + (mode.equals("sft") ? 0 : (long) batch
                    * (mode.equals("cft") ? factualLength : counterfactualLength));
            double mfu = 6.0 * parameters * tokens / step / (peak * 1e9);
            System.out.println("{\"mode\": \"" + mode + "\", \"steps\": " + e.getValue().size()
                    + ", \"median_step_s\": " + BenchSupport.fmt(step)
                    + ", \"examples_per_s\": " + BenchSupport.fmt(batch / step)
                    + ", \"peak_resident_gb\": " + BenchSupport.fmt(peakResident.get(mode) / 1e9)
                    + ", \"peak_after_each_step_gb\": " + peakAtStep.stream().map(b -> BenchSupport.fmt(b / 1e9)).toList()
                    + ", \"step_cost_vs_sft\": " + (sftStep == null ? "null" : BenchSupport.fmt(step / sftStep))
                    + ", \"mfu_percent\": " + BenchSupport.fmt(100 * mfu)
                    + ", \"matmul_peak_gflops\": " + BenchSupport.fmt(peak) + "}");
        }
        return null;
    }

    /** Seconds of each measured step of one training run in {@code mode} (after the warm-up steps). */
    private List<Double> stepSeconds(Trainer trainer, Backbone model, String mode)
            throws Exception {
        double alpha = mode.equals("sft") ? 0 : 0.1;
        BranchLayout layout = mode.equals("cft-separate") ? BranchLayout.SEPARATE : BranchLayout.STACKED;
        CftTrainingData data = new CftTrainingData(model, examples(model.shape().vocabularySize()), List.of(),
                alpha, WeightScope.BOTH, layout);
        List<Long> stamps = new ArrayList<>();
        peakAtStep.clear();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStep(StepMetrics metrics) {
                stamps.add(System.nanoTime());
                peakAtStep.add(BenchSupport.peakResidentBytes());
            }
        };
        stamps.add(System.nanoTime());
        Path checkpoints = Files.createTempDirectory("cftrec-bench");
        try {
            trainer.train(new TrainingJob(model, data, checkpoints, null, 1, listener, () -> false));
        } finally {
            AtomicFiles.deleteRecursively(checkpoints);
        }
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            seconds.add((stamps.get(i + warmup + 1) - stamps.get(i + warmup)) / 1e9);
        }
        return seconds;
    }

    private static double median(List<Double> values) {
        return BenchSupport.median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** One step's examples: random prompts and targets, so that rows have the factual and counterfactual lengths. */
    private List<TokenizedExample> examples(int vocabulary) {
        SplittableRandom random = new SplittableRandom(0);
        List<TokenizedExample> examples = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            long[] target = tokens(random, targetTokens, vocabulary);
            float[] weights = new float[targetTokens];
            for (int k = 0; k < targetTokens; k++) {
                weights[k] = (float) (1 - k * 0.75 / Math.max(1, targetTokens - 1));
            }
            examples.add(new TokenizedExample(tokens(random, factualLength - targetTokens + 1, vocabulary),
                    tokens(random, counterfactualLength - targetTokens + 1, vocabulary), target, weights));
        }
        return examples;
    }

    private static long[] tokens(SplittableRandom random, int n, int vocabulary) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 3 + random.nextInt(vocabulary - 3);
        }
        return ids;
    }
}
