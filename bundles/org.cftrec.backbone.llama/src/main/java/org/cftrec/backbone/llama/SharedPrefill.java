package org.cftrec.backbone.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every row of a prefill shares, computed once and read by the prefill's state and all its forks: the
 * layers' weights in the forward layout and, when the prompts share leading tokens, those tokens' keys and
 * values. Reference counted: freed when the last state reading it closes.
 */
final class SharedPrefill {
    private final LayerWeights[] layers;
    /** Per layer, the shared prefix as a one-entry segment (keys [kvHeads, 1, d, p], values [kvHeads, 1, p, d]); null without. */
    private final SegmentedAttention.Segment[] prefix;
    private final NDManager manager;
    private final AtomicInteger users = new AtomicInteger();

    SharedPrefill(LlamaBackbone model, long[] prefixTokens, long[] prefixPositions) {
        manager = model.manager().newSubManager();
        int count = model.config().layers();
        try (NDScope ignored = new NDScope()) {
            layers = model.layerWeights();
            for (LayerWeights layer : layers) {
                layer.derived().forEach(this::keep);
            }
            if (prefixTokens.length == 0) {
                prefix = null;
            } else {
                NDArray x = model.embed(manager.create(new long[][] {prefixTokens}));
                NDArray[] rope = model.rotary(manager.create(new long[][] {prefixPositions}));
                NDArray causal = model.causalMask(prefixTokens.length);
                prefix = new SegmentedAttention.Segment[count];
                for (int l = 0; l < count; l++) {
                    LlamaBackbone.QueryKeyValue a = model.project(layers[l], x, rope);
                    prefix[l] = new SegmentedAttention.Segment(keep(SegmentedAttention.segmentKeys(a.k())),
                            keep(SegmentedAttention.segmentValues(a.v())), null);
                    x = model.afterAttention(layers[l], x, model.attend(a, causal));
                }
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private NDArray keep(NDArray array) {
        NDScope.unregister(array);
        array.attach(manager);
        return array;
    }

    LayerWeights layer(int l) {
        return layers[l];
    }

    /** Layer l's attention segments: the shared prefix (when there is one), then {@code own}. */
    List<SegmentedAttention.Segment> segments(int l, SegmentedAttention.Segment... own) {
        List<SegmentedAttention.Segment> all = new ArrayList<>(own.length + 1);
        if (prefix != null) {
            all.add(prefix[l]);
        }
        Collections.addAll(all, own);
        return all;
    }

    long prefixLength() {
        return prefix == null ? 0 : prefix[0].length();
    }

    SharedPrefill retain() {
        users.incrementAndGet();
        return this;
    }

    void release() {
        if (users.decrementAndGet() == 0) {
            manager.close();
        }
    }
}
