package org.cftrec.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.model.DecodingState;
import org.cftrec.api.model.ModelShape;
import org.cftrec.djl.Djl;
import org.osgi.framework.BundleContext;

import java.util.SplittableRandom;

/**
 * Forward+backward and KV-cache decoding throughput of the llama backbone at the peer's shape, and the
 * engine's fp32 matmul peak, from which the model-FLOP utilisation follows.
 */
@Service
@Command(scope = "bench", name = "backbone", description = "Backbone throughput: forward+backward tokens/s, decode tokens/s, matmul peak, MFU")
public class BackboneBenchCommand implements Action {
    @Reference
    private BundleContext context;

    @Option(name = "--batch", description = "rows per call (default 16)")
    private int batch = 16;

    @Option(name = "--length", description = "tokens per row (default 96)")
    private int length = 96;

    @Option(name = "--steps", description = "measured steps (default 10, after 3 warm-up steps)")
    private int steps = 10;

    @Override
    public Object execute() throws Exception {
        Djl.disableGradientTracking();
        double peak = BenchSupport.matmulPeak(2048);
        try (Backbone model = BenchSupport.peerBackbone(context, 1); NDManager manager = model.manager().newSubManager()) {
            ModelShape shape = model.shape();
            SplittableRandom random = new SplittableRandom(2);
            long[][] tokens = new long[batch][length];
            long[][] positions = new long[batch][length];
            long[][] mask = new long[batch][length];
            for (int r = 0; r < batch; r++) {
                for (int c = 0; c < length; c++) {
                    tokens[r][c] = 3 + random.nextInt(shape.vocabularySize() - 3);
                    positions[r][c] = c;
                    mask[r][c] = 1;
                }
            }
            NDArray ids = manager.create(tokens);
            NDArray pos = manager.create(positions);
            NDArray keys = manager.create(mask);
            model.parameters().values().forEach(p -> p.setRequiresGradient(true));
            double[] train = new double[steps + 3];
            for (int s = 0; s < train.length; s++) {
                long start = System.nanoTime();
                try (NDScope ignored = new NDScope();
                     GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    collector.zeroGradients();
                    NDArray hidden = model.hiddenStates(ids, pos, keys, true);
                    NDArray logits = model.vocabularyLogits(hidden.reshape(-1, shape.hiddenSize()));
                    collector.backward(logits.logSoftmax(1).mean().neg());
                }
                train[s] = (System.nanoTime() - start) / 1e9;
            }
            double trainStep = BenchSupport.median(java.util.Arrays.copyOfRange(train, 3, train.length));
            double trainTokens = batch * length / trainStep;
            // 6 FLOPs per parameter and token (forward + backward) plus attention scores and values.
            double flopsPerToken = 6.0 * shape.parameterCount() + 6.0 * shape.layers() * length * shape.hiddenSize();
            int decodeSteps = 32;
            long start = System.nanoTime();
            double prefill;
            double decode;
            try (NDScope ignored = new NDScope(); DecodingState state = model.prefill(ids, pos, keys)) {
                state.lastLogits().getFloat(0, 0);
                prefill = (System.nanoTime() - start) / 1e9;
                long decodeStart = System.nanoTime();
                for (int s = 0; s < decodeSteps; s++) {
                    state.append(state.lastLogits().argMax(1));
                }
                state.lastLogits().getFloat(0, 0);
                decode = (System.nanoTime() - decodeStart) / 1e9;
            }
            System.out.println("engine: " + Djl.describe() + ", threads " + Runtime.getRuntime().availableProcessors());
            System.out.println("model: " + shape);
            System.out.println("matmul fp32 peak (2048^3, best of 20): " + BenchSupport.fmt(peak) + " GFLOP/s");
            System.out.println("forward+backward (full-vocabulary logits at every position), batch " + batch + " x "
                    + length + ": median step " + BenchSupport.fmt(trainStep * 1000) + " ms, "
                    + BenchSupport.fmt(trainTokens) + " tokens/s, model FLOP utilisation "
                    + BenchSupport.fmt(100 * trainTokens * flopsPerToken / (peak * 1e9)) + " %");
            System.out.println("KV-cache decoding, batch " + batch + ": prefill of " + length + " tokens "
                    + BenchSupport.fmt(prefill * 1000) + " ms; " + decodeSteps + " steps "
                    + BenchSupport.fmt(batch * decodeSteps / decode) + " tokens/s ("
                    + BenchSupport.fmt(decode * 1000 / decodeSteps) + " ms/step)");
        }
        return null;
    }
}
