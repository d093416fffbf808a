package org.cftrec.reference.sasrec;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.Item;
import org.cftrec.api.eval.RankingMetrics;
import org.cftrec.api.reference.ReferenceJob;
import org.cftrec.djl.Djl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * One SASRec reference run: trains on the job's training split with Adam (DJL's), one full-catalogue
 * cross-entropy term per target position, checks validation NDCG@10 after every epoch, keeps the best epoch's
 * weights, stops after {@code patience} epochs without improvement, and ranks the job's cases with them.
 */
final class SasRecTraining {
    private static final int[] NONE = {};
    /** Cases ranked per forward pass. */
    private static final int RANKING_BATCH = 256;

    private final SasRecPlugin.Params p;
    private final ReferenceJob job;
    private final Map<String, Integer> index = new HashMap<>();

    SasRecTraining(SasRecPlugin.Params p, ReferenceJob job) {
        this.p = p;
        this.job = job;
        for (Item item : job.dataset().catalogue()) {
            index.putIfAbsent(item.id(), index.size() + 1); // 0 is padding
        }
    }

    int[] ranks() {
        Djl.disableGradientTracking(); // in-place optimiser updates need tracking off outside the collector
        List<int[]> sequences = TrainingSequences.of(job.dataset().train(), index, p.maxLength());
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("sasrec: the training split holds no sequence of two or more items");
        }
        List<Example> valid = job.dataset().valid();
        if (p.validationCases() > 0 && valid.size() > p.validationCases()) {
            valid = valid.subList(0, p.validationCases());
        }
        Engine engine = Djl.engine();
        try (NDManager manager = NDManager.newBaseManager();
             SasRecModel model = new SasRecModel(manager, index.size(), p, job.context().seed())) {
            model.weights().values().forEach(w -> w.setRequiresGradient(true));
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(p.lr().floatValue()))
                    .optBeta1(0.9f).optBeta2(0.98f).build();
            job.log().accept(String.format(Locale.ROOT, "%d training sequences, %d items, %d validation cases;"
                            + " hidden %d, %d block(s), %d head(s), dropout %.2f", sequences.size(), index.size(),
                    valid.size(), p.hidden(), p.layers(), p.heads(), p.dropout()));
            Random shuffle = new Random(job.context().seed());
            Map<String, float[]> best = null;
            double bestNdcg = -1;
            int bestEpoch = 0;
            int step = 0;
            String reason = "the last epoch (" + p.epochs() + ")";
            for (int epoch = 1; epoch <= p.epochs(); epoch++) {
                long started = System.nanoTime();
                List<int[]> order = new ArrayList<>(sequences);
                Collections.shuffle(order, shuffle);
                double lossSum = 0;
                int batches = 0;
                for (int from = 0; from < order.size(); from += p.batchSize()) {
                    job.checkStop();
                    engine.setRandomSeed((int) (job.context().seed() * 1_000_003L + step++)); // dropout masks
                    lossSum += step(engine, manager, model, adam, order.subList(from,
                            Math.min(order.size(), from + p.batchSize())));
                    batches++;
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                if (valid.isEmpty()) {
                    job.log().accept(String.format(Locale.ROOT, "epoch %d: loss %.4f (%.1f s)", epoch,
                            lossSum / batches, seconds));
                    continue;
                }
                double ndcg = ndcgAt10(model, manager, valid);
                boolean better = ndcg > bestNdcg;
                job.log().accept(String.format(Locale.ROOT, "epoch %d: loss %.4f, validation NDCG@10 %.4f%s (%.1f s)",
                        epoch, lossSum / batches, ndcg, better ? " (best)" : "", seconds));
                if (better) {
                    bestNdcg = ndcg;
                    bestEpoch = epoch;
                    best = model.snapshot();
                } else if (p.patience() > 0 && epoch - bestEpoch >= p.patience()) {
                    reason = "early stop: validation NDCG@10 did not improve for " + p.patience() + " epochs";
                    break;
                }
            }
            if (best != null) {
                model.restore(best);
                job.log().accept(String.format(Locale.ROOT, "kept epoch %d (validation NDCG@10 %.4f); %s", bestEpoch,
                        bestNdcg, reason));
            } else {
                job.log().accept("kept the last epoch; " + reason);
            }
            return rank(model, manager, job.cases());
        }
    }

    /** One optimiser step on a batch of sequences; returns its loss. */
    private float step(Engine engine, NDManager manager, SasRecModel model, Optimizer adam, List<int[]> batch) {
        int length = 0;
        for (int[] s : batch) {
            length = Math.max(length, s.length - 1);
        }
        long[] inputs = new long[batch.size() * length];
        List<Long> positions = new ArrayList<>();
        List<Long> targets = new ArrayList<>();
        for (int r = 0; r < batch.size(); r++) {
            int[] s = batch.get(r);
            int offset = length - (s.length - 1); // left padding
            for (int t = 0; t + 1 < s.length; t++) {
                long at = (long) r * length + offset + t;
                inputs[(int) at] = s[t];
                positions.add(at);
                targets.add((long) s[t + 1]);
            }
        }
        float loss;
        try (GradientCollector collector = engine.newGradientCollector()) {
            try (NDScope ignored = new NDScope()) {
                collector.zeroGradients();
            }
            try (NDScope ignored = new NDScope()) {
                NDArray items = manager.create(inputs, new Shape(batch.size(), length));
                NDArray out = model.forward(items, true).reshape((long) batch.size() * length, p.hidden());
                NDArray rows = Djl.selectRows(out, manager.create(positions.stream().mapToLong(Long::longValue).toArray()));
                NDArray target = manager.create(targets.stream().mapToLong(Long::longValue).toArray())
                        .reshape(targets.size(), 1);
                NDArray total = model.scores(rows).logSoftmax(1).gather(target, 1).mean().neg();
                loss = total.getFloat();
                if (!Float.isFinite(loss)) {
                    throw new IllegalStateException("sasrec: loss is " + loss + "; lower lr (now " + p.lr() + ")");
                }
                collector.backward(total);
            }
        }
        for (Map.Entry<String, NDArray> e : model.weights().entrySet()) {
            NDArray gradient = e.getValue().getGradient();
            adam.update(e.getKey(), e.getValue(), gradient);
            gradient.close(); // the handle only: the gradient stays with its weight and is zeroed next step
        }
        return loss;
    }

    private double ndcgAt10(SasRecModel model, NDManager manager, List<Example> cases) {
        List<Integer> ranks = Arrays.stream(rank(model, manager, cases)).boxed().toList();
        return RankingMetrics.compute(ranks, List.of(10)).get("NDCG@10");
    }

    /**
     * The target's 1-based rank among the catalogue's items (ties count in the target's favour: with equal scores
     * no order is more right); 0 when the target is not in the catalogue, or with {@code excludeHistory} a history
     * item, history items then being left out of the ranking.
     */
    int[] rank(SasRecModel model, NDManager manager, List<Example> cases) {
        int[] ranks = new int[cases.size()];
        for (int from = 0; from < cases.size(); from += RANKING_BATCH) {
            job.checkStop();
            List<Example> batch = cases.subList(from, Math.min(cases.size(), from + RANKING_BATCH));
            List<int[]> histories = new ArrayList<>(); // every history item (left out with excludeHistory)
            int length = 1;
            for (Example e : batch) {
                int[] h = e.history().stream().filter(index::containsKey).mapToInt(index::get).toArray();
                histories.add(h);
                length = Math.max(length, Math.min(h.length, p.maxLength()));
            }
            long[] inputs = new long[batch.size() * length];
            for (int r = 0; r < batch.size(); r++) {
                int[] h = histories.get(r);
                int shown = Math.min(h.length, length); // the last maxLength items
                for (int t = 0; t < shown; t++) {
                    inputs[r * length + length - shown + t] = h[h.length - shown + t];
                }
            }
            float[] scores;
            try (NDScope ignored = new NDScope()) {
                NDArray out = model.forward(manager.create(inputs, new Shape(batch.size(), length)), false);
                scores = model.scores(out.get(":, -1, :")).toFloatArray();
            }
            int columns = index.size() + 1;
            for (int r = 0; r < batch.size(); r++) {
                ranks[from + r] = rankOf(scores, r * columns, columns, p.excludeHistory() ? histories.get(r) : NONE,
                        index.getOrDefault(batch.get(r).target(), 0));
            }
        }
        return ranks;
    }

    static int rankOf(float[] scores, int offset, int columns, int[] history, int target) {
        if (target == 0) {
            return 0;
        }
        boolean[] excluded = new boolean[columns];
        excluded[0] = true;
        for (int h : history) {
            excluded[h] = true;
        }
        if (excluded[target]) {
            return 0;
        }
        float own = scores[offset + target];
        int above = 0;
        for (int j = 1; j < columns; j++) {
            if (!excluded[j] && scores[offset + j] > own) {
                above++;
            }
        }
        return above + 1;
    }
}
