package org.cftrec.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.model.DecodingState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Beam search over a {@link SearchSpace}: the catalogue's titles (D3's constrained decoding, every finished
 * hypothesis a catalogue text) or any token (BIGRec's free generation), batched over cases and beams with the
 * backbone's KV cache. Scores are summed log-probabilities; a finished hypothesis scores
 * sum / length^lengthPenalty (0 = D3, 1 = BIGRec style), and a case stops by Hugging Face's rule (see
 * {@link #finishedCannotImprove}). The decoding state holds only what is alive: finished cases leave it, and every
 * case has as many rows as the widest case has live beams (titles all open with the same quote, so the first
 * step of a constrained search runs one row per case, not {@code beams}).
 *
 * @param <N> a beam's position in the search space
 */
final class BeamSearch<N> {
    /** A finished hypothesis: the position it ended at (EOS excluded from generated tokens) and its score. */
    record Hypothesis<N>(N end, double score) {
    }

    /** A live beam: its row in the decoding state, summed log-probability and position. */
    private record Beam<N>(int row, double score, N node) {
    }

    /** An extension of a beam by one token: the beam's row, the token and the extended score and position. */
    private record Candidate<N>(int parentRow, long token, double score, N node) {
    }

    private final Backbone backbone;
    private final SearchSpace<N> space;
    private final long eos;
    private final int beams;
    private final double lengthPenalty;
    private final int maxTokens;

    BeamSearch(Backbone backbone, SearchSpace<N> space, int beams, double lengthPenalty, int maxTokens) {
        this.backbone = backbone;
        this.space = space;
        this.eos = backbone.tokenizer().eosTokenId();
        this.beams = beams;
        this.lengthPenalty = lengthPenalty;
        this.maxTokens = maxTokens;
    }

    /** Finished hypotheses per prompt, best first (at most {@code beams}). */
    List<List<Hypothesis<N>>> search(List<String> prompts) {
        int cases = prompts.size();
        List<List<Hypothesis<N>>> finished = new ArrayList<>();
        List<List<Beam<N>>> live = new ArrayList<>();
        List<Integer> active = new ArrayList<>();
        for (int c = 0; c < cases; c++) {
            finished.add(new ArrayList<>());
            live.add(List.of(new Beam<>(c, 0, space.start()))); // the prefill's row c
            active.add(c);
        }
        try (NDManager manager = backbone.manager().newSubManager();
             DecodingState state = PromptBatch.prefill(backbone, manager, prompts)) {
            for (int length = 1; length <= maxTokens && !active.isEmpty(); length++) {
                List<Beam<N>> beamsNow = active.stream().flatMap(c -> live.get(c).stream()).toList();
                List<List<SearchSpace.Step<N>>> steps;
                try (NDScope ignored = new NDScope()) {
                    steps = space.steps(state, beamsNow.stream().mapToLong(Beam::row).toArray(),
                            beamsNow.stream().map(Beam::node).toList(), beams + 1);
                }
                int read = 0;
                List<Integer> stillActive = new ArrayList<>();
                List<List<Candidate<N>>> extensions = new ArrayList<>();
                for (int c : active) {
                    List<Candidate<N>> candidates = new ArrayList<>();
                    for (Beam<N> beam : live.get(c)) {
                        for (SearchSpace.Step<N> step : steps.get(read++)) {
                            candidates.add(new Candidate<>(beam.row(), step.token(), beam.score() + step.logp(),
                                    step.next()));
                        }
                    }
                    List<Candidate<N>> kept = advance(length, candidates, finished.get(c));
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
        for (List<Hypothesis<N>> list : finished) {
            list.sort(Comparator.comparingDouble((Hypothesis<N> h) -> h.score()).reversed());
        }
        return finished;
    }

    /**
     * Moves the state to the kept extensions: each active case gets {@code width} consecutive rows, width being
     * the most live beams of any case; a case's unused rows repeat one of its parents (their output is never read).
     */
    private void extend(DecodingState state, NDManager manager, List<Integer> active,
                        List<List<Candidate<N>>> extensions, List<List<Beam<N>>> live) {
        int width = extensions.stream().mapToInt(List::size).max().orElse(1);
        long[] parents = new long[active.size() * width];
        long[] tokens = new long[parents.length];
        for (int i = 0; i < active.size(); i++) {
            List<Candidate<N>> kept = extensions.get(i);
            List<Beam<N>> beamsOfCase = new ArrayList<>(kept.size());
            for (int b = 0; b < width; b++) {
                int row = i * width + b;
                Candidate<N> candidate = kept.get(Math.min(b, kept.size() - 1));
                parents[row] = candidate.parentRow();
                tokens[row] = b < kept.size() ? candidate.token() : eos;
                if (b < kept.size()) {
                    beamsOfCase.add(new Beam<>(row, candidate.score(), candidate.node()));
                }
            }
            live.set(active.get(i), beamsOfCase);
        }
        try (NDScope ignored = new NDScope()) {
            state.select(manager.create(parents));
            state.append(manager.create(tokens));
        }
    }

    /**
     * A case's extensions, best first: extensions by EOS (and, where the space says so, every extension at the
     * token limit) become finished hypotheses, the best {@code beams} others are kept.
     */
    private List<Candidate<N>> advance(int length, List<Candidate<N>> candidates, List<Hypothesis<N>> finished) {
        candidates.sort(Comparator.comparingDouble((Candidate<N> c) -> c.score()).reversed());
        List<Candidate<N>> kept = new ArrayList<>(beams);
        boolean atLimit = length == maxTokens;
        for (Candidate<N> candidate : candidates) {
            if (candidate.token() == eos || atLimit && space.finishesAtLimit()) {
                offer(finished, new Hypothesis<>(candidate.node(), candidate.score() / Math.pow(length, lengthPenalty)));
            } else if (kept.size() < beams) {
                kept.add(candidate);
            }
            if (kept.size() == beams && finished.size() >= beams) {
                break;
            }
        }
        return kept;
    }

    private void offer(List<Hypothesis<N>> finished, Hypothesis<N> hypothesis) {
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
    private boolean finishedCannotImprove(List<Hypothesis<N>> finished, List<Candidate<N>> kept, int length) {
        if (finished.size() < beams) {
            return false;
        }
        double worst = finished.stream().mapToDouble(h -> h.score()).min().orElse(Double.NEGATIVE_INFINITY);
        double bestLive = kept.stream().mapToDouble(c -> c.score()).max().orElse(Double.NEGATIVE_INFINITY);
        return bestLive / Math.pow(length, lengthPenalty) <= worst;
    }
}
