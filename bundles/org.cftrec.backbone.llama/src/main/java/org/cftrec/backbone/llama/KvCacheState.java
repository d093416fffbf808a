package org.cftrec.backbone.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import org.cftrec.api.model.DecodingState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.List;

/**
 * Incremental decoding: per layer the rotated keys and the values of every position so far, the key
 * mask (padding of the prompts stays masked) and each row's next position. Every step computes one
 * token per row. The state's arrays live in its own manager; intermediates of a step are freed with it.
 */
final class KvCacheState implements DecodingState {
    private final LlamaBackbone model;
    private final NDManager manager;
    private NDArray[][] cache;
    private NDArray keyMask;
    private NDArray nextPositions;
    private NDArray lastHidden;
    private NDArray lastLogits;

    private KvCacheState(LlamaBackbone model) {
        this.model = model;
        this.manager = model.manager().newSubManager();
    }

    static KvCacheState prefill(LlamaBackbone model, NDArray tokenIds, NDArray positionIds, NDArray attentionMask) {
        KvCacheState state = new KvCacheState(model);
        long batch = tokenIds.getShape().get(0);
        long length = tokenIds.getShape().get(1);
        try (NDScope ignored = new NDScope()) {
            NDArray x = model.embed(tokenIds);
            NDArray[] rope = model.rotary(positionIds);
            NDArray bias = model.causalMask(length).add(LlamaBackbone.paddingBias(attentionMask, batch, length));
            NDArray[][] cache = new NDArray[model.config().layers()][];
            for (int l = 0; l < cache.length; l++) {
                x = model.layer(l, x, rope, bias, cache);
            }
            NDArray last = x.get(new NDIndex(":, " + (length - 1) + ":, :"));
            NDArray hidden = model.rmsNorm(last, model.parameters().get("model.norm.weight"))
                    .reshape(batch, model.config().hiddenSize());
            state.keep(cache, attentionMask.toType(ai.djl.ndarray.types.DataType.FLOAT32, false),
                    positionIds.get(new NDIndex(":, " + (length - 1))).add(1), hidden, model.vocabularyLogits(hidden));
        }
        return state;
    }

    @Override
    public NDArray lastHidden() {
        return lastHidden;
    }

    @Override
    public NDArray lastLogits() {
        return lastLogits;
    }

    @Override
    public void append(NDArray nextTokens) {
        long batch = nextTokens.getShape().get(0);
        try (NDScope ignored = new NDScope()) {
            NDArray x = model.embed(nextTokens.reshape(batch, 1));
            NDArray[] rope = model.rotary(nextPositions.reshape(batch, 1));
            NDArray mask = keyMask.concat(keyMask.getManager().ones(new ai.djl.ndarray.types.Shape(batch, 1)), 1);
            NDArray bias = LlamaBackbone.paddingBias(mask, batch, mask.getShape().get(1));
            NDArray[][] next = new NDArray[cache.length][];
            for (int l = 0; l < cache.length; l++) {
                next[l] = cache[l];
            }
            for (int l = 0; l < next.length; l++) {
                x = model.layer(l, x, rope, bias, next);
            }
            NDArray hidden = model.rmsNorm(x, model.parameters().get("model.norm.weight"))
                    .reshape(batch, model.config().hiddenSize());
            keep(next, mask, nextPositions.add(1), hidden, model.vocabularyLogits(hidden));
        }
    }

    @Override
    public void select(NDArray rows) {
        gatherInto(this, rows);
    }

    @Override
    public DecodingState fork(NDArray rows) {
        KvCacheState copy = new KvCacheState(model);
        gatherInto(copy, rows);
        return copy;
    }

    /** Gives {@code target} this state's rows {@code rows} (target may be this state itself). */
    private void gatherInto(KvCacheState target, NDArray rows) {
        try (NDScope ignored = new NDScope()) {
            NDArray[][] next = new NDArray[cache.length][];
            for (int l = 0; l < cache.length; l++) {
                next[l] = new NDArray[] {cache[l][0].get(rows), cache[l][1].get(rows)};
            }
            target.keep(next, keyMask.get(rows), nextPositions.get(rows), lastHidden.get(rows), lastLogits.get(rows));
        }
    }

    /** Moves the new state out of the step's scope into this state's manager and frees the old state. */
    private void keep(NDArray[][] newCache, NDArray newMask, NDArray newPositions, NDArray newHidden,
                      NDArray newLogits) {
        List<NDArray> old = current();
        cache = newCache;
        keyMask = newMask;
        nextPositions = newPositions;
        lastHidden = newHidden;
        lastLogits = newLogits;
        // Identity, not NDArray.equals: arrays kept from the old state (e.g. the mask) must not be freed.
        Set<NDArray> fresh = Collections.newSetFromMap(new IdentityHashMap<>());
        fresh.addAll(current());
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

    private List<NDArray> current() {
        List<NDArray> arrays = new ArrayList<>();
        if (cache != null) {
            for (NDArray[] kv : cache) {
                arrays.add(kv[0]);
                arrays.add(kv[1]);
            }
            arrays.add(keyMask);
            arrays.add(nextPositions);
            arrays.add(lastHidden);
            arrays.add(lastLogits);
        }
        return arrays;
    }

    @Override
    public void close() {
        manager.close();
    }
}
