package org.cftrec.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.model.DecodingState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Beam search restricted to a {@link TitleTrie}, batched over cases and beams with the backbone's KV cache.
 * Every finished hypothesis is a catalogue text. Scores are summed log-probabilities; a finished hypothesis
 * scores sum / length^lengthPenalty (0 = D3, 1 = BIGRec style), as in Hugging Face beam search.
 */
final class ConstrainedBeamSearch {
    /** A finished hypothesis: the trie end node reached and its score. */
    record Hypothesis(TitleTrie.Node end, double score) {
    }

    private final Backbone backbone;
    private final TitleTrie trie;
    private final int beams;
    private final double lengthPenalty;
    private final int maxTokens;

    ConstrainedBeamSearch(Backbone backbone, TitleTrie trie, int beams, double lengthPenalty, int maxTokens) {
        this.backbone = backbone;
        this.trie = trie;
        this.beams = beams;
        this.lengthPenalty = lengthPenalty;
        this.maxTokens = maxTokens;
    }

    /** Finished hypotheses per prompt, best first (at most {@code beams}). */
    List<List<Hypothesis>> search(List<String> prompts) {
        int cases = prompts.size();
        int rows = cases * beams;
        double[] scores = new double[rows];
        TitleTrie.Node[] nodes = new TitleTrie.Node[rows];
        List<List<Hypothesis>> finished = new ArrayList<>();
        boolean[] done = new boolean[cases];
        for (int c = 0; c < cases; c++) {
            finished.add(new ArrayList<>());
            for (int b = 0; b < beams; b++) {
                scores[c * beams + b] = b == 0 ? 0 : Double.NEGATIVE_INFINITY; // one live beam to start
                nodes[c * beams + b] = trie.root;
            }
        }
        try (NDManager manager = backbone.manager().newSubManager();
             DecodingState state = PromptBatch.prefill(backbone, manager, prompts)) {
            long[] expand = new long[rows];
            for (int r = 0; r < rows; r++) {
                expand[r] = r / beams;
            }
            select(state, manager, expand);
            for (int length = 1; length <= maxTokens; length++) {
                float[][] logp;
                try (NDScope ignored = new NDScope()) {
                    logp = PromptBatch.logProbabilities(state);
                }
                long[] parents = new long[rows];
                long[] tokens = new long[rows];
                double[] nextScores = new double[rows];
                TitleTrie.Node[] nextNodes = new TitleTrie.Node[rows];
                boolean anyLive = false;
                for (int c = 0; c < cases; c++) {
                    int live = done[c] ? 0 : advance(c, length, logp, scores, nodes, finished.get(c), parents, tokens,
                            nextScores, nextNodes);
                    for (int b = live; b < beams; b++) { // dead slots: keep a row, never extended
                        int row = c * beams + b;
                        parents[row] = c * beams;
                        tokens[row] = trie.eos;
                        nextScores[row] = Double.NEGATIVE_INFINITY;
                        nextNodes[row] = trie.root;
                    }
                    if (live == 0 || finishedCannotImprove(finished.get(c), nextScores, c, length)) {
                        done[c] = true;
                    }
                    anyLive |= !done[c];
                }
                if (!anyLive) {
                    break;
                }
                System.arraycopy(nextScores, 0, scores, 0, rows);
                System.arraycopy(nextNodes, 0, nodes, 0, rows);
                select(state, manager, parents);
                try (NDScope ignored = new NDScope()) {
                    state.append(manager.create(tokens));
                }
            }
        }
        for (List<Hypothesis> list : finished) {
            list.sort(Comparator.comparingDouble(Hypothesis::score).reversed());
        }
        return finished;
    }

    /** Expands case c's beams by the trie's allowed tokens; returns how many live beams it kept. */
    private int advance(int c, int length, float[][] logp, double[] scores, TitleTrie.Node[] nodes,
                        List<Hypothesis> finished, long[] parents, long[] tokens, double[] nextScores,
                        TitleTrie.Node[] nextNodes) {
        List<double[]> candidates = new ArrayList<>(); // {row, token, score}
        List<TitleTrie.Node> candidateNodes = new ArrayList<>();
        for (int b = 0; b < beams; b++) {
            int row = c * beams + b;
            if (scores[row] == Double.NEGATIVE_INFINITY) {
                continue;
            }
            for (var child : nodes[row].children.entrySet()) {
                candidates.add(new double[] {row, child.getKey(), scores[row] + logp[row][(int) (long) child.getKey()]});
                candidateNodes.add(child.getValue());
            }
        }
        Integer[] order = new Integer[candidates.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(candidates.get(b)[2], candidates.get(a)[2]));
        int live = 0;
        for (int i : order) {
            double[] cand = candidates.get(i);
            TitleTrie.Node node = candidateNodes.get(i);
            if ((long) cand[1] == trie.eos) {
                offer(finished, new Hypothesis(node, cand[2] / Math.pow(length, lengthPenalty)));
            } else if (live < beams) {
                int row = c * beams + live;
                parents[row] = (long) cand[0];
                tokens[row] = (long) cand[1];
                nextScores[row] = cand[2];
                nextNodes[row] = node;
                live++;
            }
            if (live == beams && finished.size() >= beams) {
                break;
            }
        }
        return live;
    }

    private void offer(List<Hypothesis> finished, Hypothesis hypothesis) {
        if (finished.size() < beams) {
            finished.add(hypothesis);
            return;
        }
        int worst = 0;
        for (int i = 1; i < finished.size(); i++) {
            if (finished.get(i).score() < finished.get(worst).score()) {
                worst = i;
            }
        }
        if (hypothesis.score() > finished.get(worst).score()) {
            finished.set(worst, hypothesis);
        }
    }

    /**
     * Hugging Face's stopping rule: once {@code beams} hypotheses are finished and the best live beam, scored as
     * if it ended at the current length, cannot beat the worst of them, the case is done. With length penalty
     * 0 this is exact, because extending a beam only lowers its score.
     */
    private boolean finishedCannotImprove(List<Hypothesis> finished, double[] nextScores, int c, int length) {
        if (finished.size() < beams) {
            return false;
        }
        double worst = finished.stream().mapToDouble(Hypothesis::score).min().orElse(Double.NEGATIVE_INFINITY);
        double bestLive = Double.NEGATIVE_INFINITY;
        for (int b = 0; b < beams; b++) {
            bestLive = Math.max(bestLive, nextScores[c * beams + b]);
        }
        return bestLive / Math.pow(length, lengthPenalty) <= worst;
    }

    private static void select(DecodingState state, NDManager manager, long[] rows) {
        try (NDScope ignored = new NDScope()) {
            state.select(manager.create(rows));
        }
    }
}
