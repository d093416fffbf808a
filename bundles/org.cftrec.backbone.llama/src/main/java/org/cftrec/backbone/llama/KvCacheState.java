package org.cftrec.backbone.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.cftrec.api.model.DecodingState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Incremental decoding with a KV cache in three segments (see {@link SegmentedAttention}): the leading tokens
 * all prompts share (computed once, {@link SharedPrefill}), each prompt's remaining tokens (one entry per prompt)
 * and the generated tokens (one entry per row). Rows come in equal consecutive groups that share a prompt (row r
 * reads prompt r / group), so beam search's expand and reorder steps copy only the few generated positions,
 * never the prompts: reordering the prompt cache per step was what made decoding slow. A selection that breaks
 * the grouping (rows of unequal counts per prompt) falls back to one prompt entry per row. Every step computes
 * one token per row; intermediates of a step are freed with it.
 */
final class KvCacheState implements DecodingState {
    /** Prompts of a batch sharing at least this many leading tokens compute them once (below, not worth a pass). */
    static final int MIN_SHARED_PREFIX = 8;

    private final LlamaBackbone model;
    private final SharedPrefill shared;
    private final NDManager manager;
    /** The state's arrays; replaced as a whole by each step (see {@link #keep}). */
    private Snapshot current;
    private boolean closed;

    /**
     * Segments of {@link SegmentedAttention} (head-major): promptKeys[l] [kvHeads, prompts, d, P], promptValues[l]
     * [kvHeads, prompts, P, d], promptBias [1, prompts, 1, P] (masks padding); group: rows per prompt;
     * generatedKeys[l] [kvHeads, rows, d, T] and generatedValues[l] [kvHeads, rows, T, d], null before the first
     * append. nextPositions and lastHidden have one row per row. No logits: [rows, vocabulary] per state would be
     * 0.6 MB a row at 151,936 tokens, held by every state of a trie walk; {@link #lastLogits} makes them on demand.
     */
    private record Snapshot(NDArray[] promptKeys, NDArray[] promptValues, NDArray promptBias, int group,
                            NDArray[] generatedKeys, NDArray[] generatedValues, NDArray nextPositions,
                            NDArray lastHidden) {
        List<NDArray> arrays() {
            List<NDArray> all = new ArrayList<>();
            Collections.addAll(all, promptKeys);
            Collections.addAll(all, promptValues);
            all.add(promptBias);
            if (generatedKeys[0] != null) {
                Collections.addAll(all, generatedKeys);
                Collections.addAll(all, generatedValues);
            }
            Collections.addAll(all, nextPositions, lastHidden);
            return all;
        }
    }

    private KvCacheState(LlamaBackbone model, SharedPrefill shared) {
        this.model = model;
        this.shared = shared.retain();
        this.manager = model.manager().newSubManager();
    }

    static KvCacheState prefill(LlamaBackbone model, NDArray tokenIds, NDArray positionIds, NDArray attentionMask) {
        PromptSplit split = PromptSplit.of(rows(tokenIds), rows(positionIds), rows(attentionMask), MIN_SHARED_PREFIX);
        KvCacheState state = new KvCacheState(model, new SharedPrefill(model, split.prefixTokens(),
                split.prefixPositions()));
        try {
            state.prefillSuffixes(split, tokenIds.getManager());
        } catch (RuntimeException e) {
            state.close();
            throw e;
        }
        return state;
    }

    /** Runs the prompts' own tokens (after the shared prefix) and keeps their cache: the state's first snapshot. */
    private void prefillSuffixes(PromptSplit split, NDManager m) {
        int layers = model.config().layers();
        try (NDScope ignored = new NDScope()) {
            NDArray tokens = m.create(split.tokens());
            NDArray positions = m.create(split.positions());
            long batch = tokens.getShape().get(0);
            long length = tokens.getShape().get(1);
            NDArray x = model.embed(tokens);
            NDArray[] rope = model.rotary(positions);
            NDArray paddingBias = LlamaBackbone.paddingBias(m.create(split.mask()), batch, length);
            NDArray ownBias = ownBias(model.causalMask(length).add(paddingBias), batch, length);
            NDArray[] keys = new NDArray[layers];
            NDArray[] values = new NDArray[layers];
            for (int l = 0; l < layers; l++) {
                LlamaBackbone.QueryKeyValue a = model.project(shared.layer(l), x, rope);
                keys[l] = SegmentedAttention.segmentKeys(a.k());
                values[l] = SegmentedAttention.segmentValues(a.v());
                // The prompts' own tokens attend to the shared prefix, if any (every key visible), and to each
                // other (causal, padding masked), as segments under one softmax.
                NDArray attended = SegmentedAttention.attend(a.q(), shared.segments(l,
                        new SegmentedAttention.Segment(keys[l], values[l], ownBias)));
                x = model.afterAttention(shared.layer(l), x, attended);
            }
            NDArray last = x.get(new NDIndex(":, " + (length - 1) + ":, :"));
            NDArray hidden = model.finalNorm(last)
                    .reshape(batch, model.config().hiddenSize());
            keep(new Snapshot(keys, values, paddingBias.reshape(1, batch, 1, length), 1, new NDArray[layers],
                    new NDArray[layers], positions.get(new NDIndex(":, " + (length - 1))).add(1), hidden));
        }
    }

    /** Leading tokens the prompts share, computed once (0: none). */
    long sharedPrefixLength() {
        return shared.prefixLength();
    }

    private static long[][] rows(NDArray matrix) {
        int columns = (int) matrix.getShape().get(1);
        long[] flat = matrix.toLongArray();
        long[][] rows = new long[flat.length / columns][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = java.util.Arrays.copyOfRange(flat, r * columns, (r + 1) * columns);
        }
        return rows;
    }

    /**
     * The bias of query (b, head j of a kv group, s) against the prompts' own keys is bias[b, s] for every j:
     * [1, B, perKv × S, S] from {@code bias} [B, 1, S, S], in {@link SegmentedAttention}'s layout.
     */
    private NDArray ownBias(NDArray bias, long batch, long length) {
        long perKv = model.config().heads() / model.config().kvHeads();
        return bias.reshape(1, batch, 1, length, length)
                .broadcast(new Shape(1, batch, perKv, length, length)).reshape(1, batch, perKv * length, length);
    }

    @Override
    public NDArray lastHidden() {
        return current.lastHidden;
    }

    /** Computed from {@link #lastHidden} on each call, in the caller's scope (not kept by the state). */
    @Override
    public NDArray lastLogits() {
        return model.vocabularyLogits(current.lastHidden);
    }

    @Override
    public void append(NDArray nextTokens) {
        Snapshot s = current;
        long rows = nextTokens.getShape().get(0);
        int layers = s.promptKeys.length;
        try (NDScope ignored = new NDScope()) {
            NDArray x = model.embed(nextTokens.reshape(rows, 1));
            NDArray[] rope = model.rotary(s.nextPositions.reshape(rows, 1));
            NDArray[] keys = new NDArray[layers];
            NDArray[] values = new NDArray[layers];
            for (int l = 0; l < layers; l++) {
                LlamaBackbone.QueryKeyValue a = model.project(shared.layer(l), x, rope);
                NDArray newKeys = a.k().transpose(1, 0, 3, 2); // [kvHeads, rows, d, 1]
                NDArray newValues = a.v().transpose(1, 0, 2, 3); // [kvHeads, rows, 1, d]
                keys[l] = s.generatedKeys[l] == null ? SegmentedAttention.contiguous(newKeys)
                        : s.generatedKeys[l].concat(newKeys, 3);
                values[l] = s.generatedValues[l] == null ? SegmentedAttention.contiguous(newValues)
                        : s.generatedValues[l].concat(newValues, 2);
                NDArray attended = SegmentedAttention.attend(a.q(), shared.segments(l,
                        new SegmentedAttention.Segment(s.promptKeys[l], s.promptValues[l], s.promptBias),
                        new SegmentedAttention.Segment(keys[l], values[l], null)));
                x = model.afterAttention(shared.layer(l), x, attended);
            }
            NDArray hidden = model.finalNorm(x)
                    .reshape(rows, model.config().hiddenSize());
            keep(new Snapshot(s.promptKeys, s.promptValues, s.promptBias, s.group, keys, values,
                    s.nextPositions.add(1), hidden));
        }
    }

    @Override
    public void select(NDArray rows) {
        gatherInto(this, rows, false);
    }

    @Override
    public DecodingState fork(NDArray rows) {
        KvCacheState copy = new KvCacheState(model, shared);
        gatherInto(copy, rows, true);
        return copy;
    }

    /**
     * Gives {@code target} this state's rows {@code rows} (target may be this state itself). The prompt cache is
     * reused when the new rows keep one equal group per prompt in order; {@code copyPrompts} forces a copy
     * (a fork must not share arrays that this state frees).
     */
    private void gatherInto(KvCacheState target, NDArray rows, boolean copyPrompts) {
        Snapshot s = current;
        long[] selected = rows.toLongArray();
        long[] prompts = new long[selected.length];
        for (int i = 0; i < selected.length; i++) {
            prompts[i] = selected[i] / s.group;
        }
        int group = equalRunLength(prompts);
        long[] promptOfGroup = new long[prompts.length / group];
        boolean unchanged = promptOfGroup.length == s.promptBias.getShape().get(1);
        for (int g = 0; g < promptOfGroup.length; g++) {
            promptOfGroup[g] = prompts[g * group];
            unchanged &= promptOfGroup[g] == g;
        }
        int layers = s.promptKeys.length;
        try (NDScope ignored = new NDScope()) {
            NDArray[] promptKeys = s.promptKeys;
            NDArray[] promptValues = s.promptValues;
            NDArray promptBias = s.promptBias;
            if (!unchanged || copyPrompts) {
                NDArray index = rows.getManager().create(promptOfGroup);
                promptKeys = new NDArray[layers];
                promptValues = new NDArray[layers];
                for (int l = 0; l < layers; l++) {
                    promptKeys[l] = entries(s.promptKeys[l], index);
                    promptValues[l] = entries(s.promptValues[l], index);
                }
                promptBias = entries(s.promptBias, index);
            }
            NDArray[] keys = new NDArray[layers];
            NDArray[] values = new NDArray[layers];
            if (s.generatedKeys[0] != null) {
                for (int l = 0; l < layers; l++) {
                    keys[l] = entries(s.generatedKeys[l], rows);
                    values[l] = entries(s.generatedValues[l], rows);
                }
            }
            target.keep(new Snapshot(promptKeys, promptValues, promptBias, group, keys, values,
                    s.nextPositions.get(rows), s.lastHidden.get(rows)));
        }
    }

    /** Entries {@code index} of a head-major segment array (axis 1). */
    private static NDArray entries(NDArray segment, NDArray index) {
        return segment.get(new NDIndex(":, {}", index));
    }

    /** The common length of the runs of equal values, or 1 when the runs differ in length. */
    private static int equalRunLength(long[] values) {
        int run = 1;
        while (run < values.length && values[run] == values[0]) {
            run++;
        }
        if (values.length % run != 0) {
            return 1;
        }
        for (int start = 0; start < values.length; start += run) {
            for (int i = start; i < start + run; i++) {
                if (values[i] != values[start]) {
                    return 1;
                }
            }
            if (start + run < values.length && values[start + run] == values[start]) {
                return 1; // a longer run than the first
            }
        }
        return run;
    }

    /** Moves the new snapshot out of the step's scope into this state's manager and frees what it replaced. */
    private void keep(Snapshot next) {
        List<NDArray> old = current == null ? List.of() : current.arrays();
        current = next;
        // Identity, not NDArray.equals: arrays kept from the old snapshot (e.g. the prompt cache) must survive.
        Set<NDArray> fresh = Collections.newSetFromMap(new IdentityHashMap<>());
        fresh.addAll(next.arrays());
        for (NDArray array : fresh) {
            NDScope.unregister(array);
            array.attach(manager);
        }
        for (NDArray array : old) {
            if (!fresh.contains(array)) {
                array.close();
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
            shared.release();
        }
    }
}
