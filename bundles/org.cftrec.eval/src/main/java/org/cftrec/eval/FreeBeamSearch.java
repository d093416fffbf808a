package org.cftrec.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.model.DecodingState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Unconstrained beam search (BIGRec): any token may follow; a hypothesis ends with EOS or at
 * {@code maxTokens}. Finished hypotheses score sum(log p) / length^lengthPenalty. Batched over cases and
 * beams with the backbone's KV cache.
 */
final class FreeBeamSearch {
    /** A generated token sequence (EOS excluded) and its score. */
    record Hypothesis(long[] tokens, double score) {
    }

    private final Backbone backbone;
    private final int beams;
    private final double lengthPenalty;
    private final int maxTokens;

    FreeBeamSearch(Backbone backbone, int beams, double lengthPenalty, int maxTokens) {
        this.backbone = backbone;
        this.beams = beams;
        this.lengthPenalty = lengthPenalty;
        this.maxTokens = maxTokens;
    }

    List<List<Hypothesis>> search(List<String> prompts) {
        long eos = backbone.tokenizer().eosTokenId();
        int cases = prompts.size();
        int rows = cases * beams;
        double[] scores = new double[rows];
        List<List<Long>> tokens = new ArrayList<>();
        List<List<Hypothesis>> finished = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            scores[r] = r % beams == 0 ? 0 : Double.NEGATIVE_INFINITY;
            tokens.add(new ArrayList<>());
        }
        for (int c = 0; c < cases; c++) {
            finished.add(new ArrayList<>());
        }
        boolean[] done = new boolean[cases];
        try (NDManager manager = backbone.manager().newSubManager();
             DecodingState state = PromptBatch.prefill(backbone, manager, prompts)) {
            long[] expand = new long[rows];
            for (int r = 0; r < rows; r++) {
                expand[r] = r / beams;
            }
            reorder(state, manager, expand);
            for (int length = 1; length <= maxTokens; length++) {
                PromptBatch.TopTokens top;
                try (NDScope ignored = new NDScope()) {
                    top = PromptBatch.topLogProbabilities(state, beams + 1);
                }
                long[] parents = new long[rows];
                long[] next = new long[rows];
                double[] nextScores = new double[rows];
                List<List<Long>> nextTokens = new ArrayList<>(tokens);
                boolean anyLive = false;
                for (int c = 0; c < cases; c++) {
                    List<double[]> candidates = new ArrayList<>(); // {row, token, score}
                    if (!done[c]) {
                        for (int b = 0; b < beams; b++) {
                            int row = c * beams + b;
                            if (scores[row] == Double.NEGATIVE_INFINITY) {
                                continue;
                            }
                            for (int i = 0; i < top.tokens()[row].length; i++) {
                                candidates.add(new double[] {row, top.tokens()[row][i],
                                        scores[row] + top.logp()[row][i]});
                            }
                        }
                    }
                    candidates.sort(Comparator.comparingDouble((double[] x) -> x[2]).reversed());
                    int live = 0;
                    for (double[] cand : candidates) {
                        List<Long> sequence = tokens.get((int) cand[0]);
                        if ((long) cand[1] == eos || length == maxTokens) {
                            if (finished.get(c).size() < beams) {
                                List<Long> ended = new ArrayList<>(sequence);
                                if ((long) cand[1] != eos) {
                                    ended.add((long) cand[1]);
                                }
                                finished.get(c).add(new Hypothesis(ended.stream().mapToLong(Long::longValue).toArray(),
                                        cand[2] / Math.pow(length, lengthPenalty)));
                            }
                        } else if (live < beams) {
                            int row = c * beams + live;
                            parents[row] = (long) cand[0];
                            next[row] = (long) cand[1];
                            nextScores[row] = cand[2];
                            List<Long> extended = new ArrayList<>(sequence);
                            extended.add((long) cand[1]);
                            nextTokens.set(row, extended);
                            live++;
                        }
                        if (live == beams && finished.get(c).size() >= beams) {
                            break;
                        }
                    }
                    for (int b = live; b < beams; b++) {
                        int row = c * beams + b;
                        parents[row] = c * beams;
                        next[row] = eos;
                        nextScores[row] = Double.NEGATIVE_INFINITY;
                    }
                    if (live == 0 || finished.get(c).size() >= beams) {
                        done[c] = true;
                    }
                    anyLive |= !done[c];
                }
                if (!anyLive) {
                    break;
                }
                System.arraycopy(nextScores, 0, scores, 0, rows);
                tokens = nextTokens;
                reorder(state, manager, parents);
                try (NDScope ignored = new NDScope()) {
                    state.append(manager.create(next));
                }
            }
        }
        finished.forEach(list -> list.sort(Comparator.comparingDouble(Hypothesis::score).reversed()));
        return finished;
    }

    private static void reorder(DecodingState state, NDManager manager, long[] rows) {
        try (NDScope ignored = new NDScope()) {
            state.select(manager.create(rows));
        }
    }
}
