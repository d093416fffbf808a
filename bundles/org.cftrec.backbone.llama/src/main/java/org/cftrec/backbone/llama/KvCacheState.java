package org.cftrec.backbone.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import org.cftrec.api.model.DecodingState;
import org.cftrec.djl.Djl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Incremental decoding with a KV cache split in two: the prompts' keys and values, one entry per prompt,
 * and the generated tokens' keys and values, one entry per row. Rows come in equal consecutive groups that
 * share a prompt (row r reads prompt r / group), so beam search's expand and reorder steps copy only the few
 * generated positions, never the long prompt: reordering the prompt cache per step was what made decoding
 * slow. A selection that breaks the grouping (rows of unequal counts per prompt) falls back to one prompt
 * entry per row. Every step computes one token per row; intermediates of a step are freed with it.
 */
final class KvCacheState implements DecodingState {
    private final LlamaBackbone model;
    private final NDManager manager;
    /** The state's arrays; replaced as a whole by each step (see {@link #keep}). */
    private Snapshot current;

    /**
     * promptKeys/promptValues[l]: [prompts, kvHeads, P, d]; promptBias: [prompts, 1, 1, P] (masks padding);
     * generatedKeys/Values[l]: [rows, kvHeads, T, d], null before the first append; group: rows per prompt.
     */
    private record Snapshot(NDArray[] promptKeys, NDArray[] promptValues, NDArray promptBias, int group,
                            NDArray[] generatedKeys, NDArray[] generatedValues, NDArray nextPositions,
                            NDArray lastHidden, NDArray lastLogits) {
        List<NDArray> arrays() {
            List<NDArray> all = new ArrayList<>();
            Collections.addAll(all, promptKeys);
            Collections.addAll(all, promptValues);
            all.add(promptBias);
            if (generatedKeys[0] != null) {
                Collections.addAll(all, generatedKeys);
                Collections.addAll(all, generatedValues);
            }
            Collections.addAll(all, nextPositions, lastHidden, lastLogits);
            return all;
        }
    }

    private KvCacheState(LlamaBackbone model) {
        this.model = model;
        this.manager = model.manager().newSubManager();
    }

    static KvCacheState prefill(LlamaBackbone model, NDArray tokenIds, NDArray positionIds, NDArray attentionMask) {
        KvCacheState state = new KvCacheState(model);
        long batch = tokenIds.getShape().get(0);
        long length = tokenIds.getShape().get(1);
        int layers = model.config().layers();
        try (NDScope ignored = new NDScope()) {
            NDArray x = model.embed(tokenIds);
            NDArray[] rope = model.rotary(positionIds);
            NDArray paddingBias = LlamaBackbone.paddingBias(attentionMask, batch, length);
            NDArray[][] cache = new NDArray[layers][];
            LlamaBackbone.Attention attention = model.fullAttention(model.causalMask(length).add(paddingBias), cache);
            for (int l = 0; l < layers; l++) {
                x = model.layer(l, x, rope, attention);
            }
            NDArray last = x.get(new NDIndex(":, " + (length - 1) + ":, :"));
            NDArray hidden = model.rmsNorm(last, model.parameters().get("model.norm.weight"))
                    .reshape(batch, model.config().hiddenSize());
            NDArray[] keys = new NDArray[layers];
            NDArray[] values = new NDArray[layers];
            for (int l = 0; l < layers; l++) {
                keys[l] = cache[l][0];
                values[l] = cache[l][1];
            }
            state.keep(new Snapshot(keys, values, paddingBias, 1, new NDArray[layers], new NDArray[layers],
                    positionIds.get(new NDIndex(":, " + (length - 1))).add(1), hidden, model.vocabularyLogits(hidden)));
        }
        return state;
    }

    @Override
    public NDArray lastHidden() {
        return current.lastHidden;
    }

    @Override
    public NDArray lastLogits() {
        return current.lastLogits;
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
            LlamaBackbone.Attention attention = (l, q, k, v) -> {
                keys[l] = s.generatedKeys[l] == null ? k : s.generatedKeys[l].concat(k, 2);
                values[l] = s.generatedValues[l] == null ? v : s.generatedValues[l].concat(v, 2);
                return attendOneToken(q, s.promptKeys[l], s.promptValues[l], s.promptBias, s.group, keys[l], values[l]);
            };
            for (int l = 0; l < layers; l++) {
                x = model.layer(l, x, rope, attention);
            }
            NDArray hidden = model.rmsNorm(x, model.parameters().get("model.norm.weight"))
                    .reshape(rows, model.config().hiddenSize());
            keep(new Snapshot(s.promptKeys, s.promptValues, s.promptBias, s.group, keys, values,
                    s.nextPositions.add(1), hidden, model.vocabularyLogits(hidden)));
        }
    }

    /**
     * Attention of one new query per row over its prompt and its generated tokens, one softmax over both.
     * The prompt part runs as one matrix product per prompt for all rows of its group: queries of a group are
     * gathered into the M dimension ([prompts, kvHeads, group × headsPerKv, d] × [prompts, kvHeads, d, P]).
     */
    private NDArray attendOneToken(NDArray q, NDArray promptKeys, NDArray promptValues, NDArray promptBias, int group,
                                   NDArray generatedKeys, NDArray generatedValues) {
        long rows = q.getShape().get(0);
        long heads = q.getShape().get(1);
        long d = q.getShape().get(3);
        long kvHeads = promptKeys.getShape().get(1);
        long perKv = heads / kvHeads;
        long prompts = promptKeys.getShape().get(0);
        long promptLength = promptKeys.getShape().get(2);
        double scale = 1.0 / Math.sqrt(d);
        NDArray perRow = q.reshape(rows, kvHeads, perKv, d);
        NDArray grouped = toPromptMajor(perRow, prompts, group, kvHeads, perKv, d);
        NDArray promptScores = grouped.matMul(promptKeys.transpose(0, 1, 3, 2));
        promptScores = promptScores.mul(Djl.scalar(promptScores, scale)).add(promptBias);
        NDArray generatedScores = perRow.matMul(generatedKeys.transpose(0, 1, 3, 2));
        generatedScores = generatedScores.mul(Djl.scalar(generatedScores, scale));
        NDArray weights = toRowMajor(promptScores, prompts, group, kvHeads, perKv, promptLength)
                .concat(generatedScores, 3).softmax(3);
        NDArray promptWeights = weights.get(new NDIndex(":, :, :, :" + promptLength));
        NDArray generatedWeights = weights.get(new NDIndex(":, :, :, " + promptLength + ":"));
        NDArray fromPrompt = toPromptMajor(promptWeights, prompts, group, kvHeads, perKv, promptLength)
                .matMul(promptValues);
        return toRowMajor(fromPrompt, prompts, group, kvHeads, perKv, d)
                .add(generatedWeights.matMul(generatedValues))
                .reshape(rows, heads, 1, d);
    }

    /** [prompts × group, kvHeads, perKv, n] → [prompts, kvHeads, group × perKv, n]. */
    private static NDArray toPromptMajor(NDArray x, long prompts, int group, long kvHeads, long perKv, long n) {
        if (group == 1) {
            return x;
        }
        return x.reshape(prompts, group, kvHeads, perKv, n).transpose(0, 2, 1, 3, 4)
                .reshape(prompts, kvHeads, group * perKv, n);
    }

    /** Inverse of {@link #toPromptMajor}. */
    private static NDArray toRowMajor(NDArray x, long prompts, int group, long kvHeads, long perKv, long n) {
        if (group == 1) {
            return x;
        }
        return x.reshape(prompts, kvHeads, group, perKv, n).transpose(0, 2, 1, 3, 4)
                .reshape(prompts * group, kvHeads, perKv, n);
    }

    @Override
    public void select(NDArray rows) {
        gatherInto(this, rows, false);
    }

    @Override
    public DecodingState fork(NDArray rows) {
        KvCacheState copy = new KvCacheState(model);
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
        boolean unchanged = promptOfGroup.length == s.promptBias.getShape().get(0);
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
                    promptKeys[l] = s.promptKeys[l].get(index);
                    promptValues[l] = s.promptValues[l].get(index);
                }
                promptBias = s.promptBias.get(index);
            }
            NDArray[] keys = new NDArray[layers];
            NDArray[] values = new NDArray[layers];
            if (s.generatedKeys[0] != null) {
                for (int l = 0; l < layers; l++) {
                    keys[l] = s.generatedKeys[l].get(rows);
                    values[l] = s.generatedValues[l].get(rows);
                }
            }
            target.keep(new Snapshot(promptKeys, promptValues, promptBias, group, keys, values,
                    s.nextPositions.get(rows), s.lastHidden.get(rows), s.lastLogits.get(rows)));
        }
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
        manager.close();
    }
}
