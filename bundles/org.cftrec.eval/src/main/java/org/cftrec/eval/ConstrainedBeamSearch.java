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
 * The decoding state holds only what is alive: finished cases leave it, and every case has as many rows as the
 * widest case has live beams (titles all open with the same quote, so the first step runs one row per case,
 * not {@code beams}).
 */
final class ConstrainedBeamSearch {
    /** A finished hypothesis: the trie end node reached and its score. */
    record Hypothesis(TitleTrie.Node end, double score) {
    }

    /** A live beam: its row in the decoding state, summed log-probability and trie node. */
    private record Beam(int row, double score, TitleTrie.Node node) {
    }

    /** An extension of a beam by one token: the beam's row, the token and the extended score and node. */
    private record Candidate(int parentRow, long token, double score, TitleTrie.Node node) {
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
        List<List<Hypothesis>> finished = new ArrayList<>();
        List<List<Beam>> live = new ArrayList<>();
        List<Integer> active = new ArrayList<>();
        for (int c = 0; c < cases; c++) {
            finished.add(new ArrayList<>());
            live.add(List.of(new Beam(c, 0, trie.root))); // the prefill's row c
            active.add(c);
        }
        try (NDManager manager = backbone.manager().newSubManager();
             DecodingState state = PromptBatch.prefill(backbone, manager, prompts)) {
            for (int length = 1; length <= maxTokens && !active.isEmpty(); length++) {
                float[] allowed = allowedLogProbabilities(state, active, live);
                int read = 0;
                List<Integer> stillActive = new ArrayList<>();
                List<List<Candidate>> extensions = new ArrayList<>();
                for (int c : active) {
                    List<Candidate> candidates = new ArrayList<>();
                    for (Beam beam : live.get(c)) {
                        for (var child : beam.node().children.entrySet()) {
                            candidates.add(new Candidate(beam.row(), child.getKey(), beam.score() + allowed[read++],
                                    child.getValue()));
                        }
                    }
                    List<Candidate> kept = advance(length, candidates, finished.get(c));
                    if (!kept.isEmpty() && !finishedCannotImprove(finished.get(c), kept, length)) {
                        stillActive.add(c);
                        extensions.add(kept);
                    }
                }
                active = stillActive;
                if (!active.isEmpty()) {
                    extend(state, manager, active, extensions, live);
                }
            }
        }
        for (List<Hypothesis> list : finished) {
            list.sort(Comparator.comparingDouble(Hypothesis::score).reversed());
        }
        return finished;
    }

    /**
     * Moves the state to the kept extensions: each active case gets {@code width} consecutive rows, width being
     * the most live beams of any case; a case's unused rows repeat one of its parents (their output is never read).
     */
    private void extend(DecodingState state, NDManager manager, List<Integer> active, List<List<Candidate>> extensions,
                        List<List<Beam>> live) {
        int width = extensions.stream().mapToInt(List::size).max().orElse(1);
        long[] parents = new long[active.size() * width];
        long[] tokens = new long[parents.length];
        for (int i = 0; i < active.size(); i++) {
            List<Candidate> kept = extensions.get(i);
            List<Beam> beamsOfCase = new ArrayList<>(kept.size());
            for (int b = 0; b < width; b++) {
                int row = i * width + b;
                Candidate candidate = kept.get(Math.min(b, kept.size() - 1));
                parents[row] = candidate.parentRow();
                tokens[row] = b < kept.size() ? candidate.token() : trie.eos;
                if (b < kept.size()) {
                    beamsOfCase.add(new Beam(row, candidate.score(), candidate.node()));
                }
            }
            live.set(active.get(i), beamsOfCase);
        }
        try (NDScope ignored = new NDScope()) {
            state.select(manager.create(parents));
            state.append(manager.create(tokens));
        }
    }

    /** log p of every token the trie allows after every live beam, in case, beam and child order. */
    private static float[] allowedLogProbabilities(DecodingState state, List<Integer> active, List<List<Beam>> live) {
        List<Beam> beams = active.stream().flatMap(c -> live.get(c).stream()).toList();
        return PromptBatch.childLogProbabilities(state, beams.stream().mapToLong(Beam::row).toArray(),
                beams.stream().map(Beam::node).toList());
    }

    /**
     * A case's extensions, best first: extensions by EOS become finished hypotheses, the best {@code beams}
     * others are kept.
     */
    private List<Candidate> advance(int length, List<Candidate> candidates, List<Hypothesis> finished) {
        candidates.sort(Comparator.comparingDouble(Candidate::score).reversed());
        List<Candidate> kept = new ArrayList<>(beams);
        for (Candidate candidate : candidates) {
            if (candidate.token() == trie.eos) {
                offer(finished, new Hypothesis(candidate.node(), candidate.score() / Math.pow(length, lengthPenalty)));
            } else if (kept.size() < beams) {
                kept.add(candidate);
            }
            if (kept.size() == beams && finished.size() >= beams) {
                break;
            }
        }
        return kept;
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
    private boolean finishedCannotImprove(List<Hypothesis> finished, List<Candidate> kept, int length) {
        if (finished.size() < beams) {
            return false;
        }
        double worst = finished.stream().mapToDouble(Hypothesis::score).min().orElse(Double.NEGATIVE_INFINITY);
        double bestLive = kept.stream().mapToDouble(Candidate::score).max().orElse(Double.NEGATIVE_INFINITY);
        return bestLive / Math.pow(length, lengthPenalty) <= worst;
    }
}
