package org.cftrec.backbone.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * Attention of each row's queries over keys and values kept in segments that different numbers of rows
 * share. A segment has some entries, each read by rows / entries consecutive rows: the prompts' shared prefix
 * (one entry for all rows), the prompts (one entry per prompt, read by its beams) and the generated tokens (one
 * per row); in a prefill after a shared prefix, the prefix and the prompts' own tokens. All segments' scores go
 * through one softmax.
 * <p>
 * Everything is head-major: the queries are laid out once as [kvHeads, rows × headsPerKv, d], which every
 * segment reads as [kvHeads, entries, rowsPerEntry × headsPerKv, d] without copying, so an entry's keys are read
 * once for all its rows, in one product; scores and outputs fold back to [kvHeads, rows × headsPerKv, ·] the
 * same way. Only the queries going in and the values coming out change layout.
 */
final class SegmentedAttention {
    /**
     * @param keys   [kvHeads, entries, d, P] (transposed: the scores' product reads them in this order)
     * @param values [kvHeads, entries, P, d]
     * @param bias   added to the scores, or null: [1, entries, 1, P] (masks padding) or, for several queries per
     *               row, [1, entries, rowsPerEntry × headsPerKv × L, P] (also causal)
     */
    record Segment(NDArray keys, NDArray values, NDArray bias) {
        long entries() {
            return keys.getShape().get(1);
        }

        long length() {
            return keys.getShape().get(3);
        }
    }

    private SegmentedAttention() {
    }

    /** q [rows, heads, L, d], already scaled by 1/sqrt(d), to attended values [rows, heads, L, d]. */
    static NDArray attend(NDArray q, List<Segment> segments) {
        long rows = q.getShape().get(0);
        long heads = q.getShape().get(1);
        long length = q.getShape().get(2);
        long d = q.getShape().get(3);
        long kvHeads = segments.get(0).keys().getShape().get(0);
        long perKv = heads / kvHeads;
        long queries = rows * perKv * length;
        // [rows, kvHeads, perKv, L, d] → [kvHeads, rows, perKv, L, d], copied once into that order.
        NDArray headMajor = contiguous(q.reshape(rows, kvHeads, perKv, length, d).transpose(1, 0, 2, 3, 4))
                .reshape(kvHeads, queries, d);
        NDList scores = new NDList();
        long[] boundaries = new long[segments.size() - 1];
        long end = 0;
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            NDArray product = perEntry(headMajor, s).matMul(s.keys());
            scores.add((s.bias() == null ? product : product.add(s.bias())).reshape(kvHeads, queries, s.length()));
            end += s.length();
            if (i < boundaries.length) {
                boundaries[i] = end;
            }
        }
        NDList weights = NDArrays.concat(scores, 2).softmax(2).split(boundaries, 2);
        NDArray attended = null;
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            NDArray part = perEntry(weights.get(i), s).matMul(s.values()).reshape(kvHeads, queries, d);
            attended = attended == null ? part : attended.add(part);
        }
        return contiguous(attended.reshape(kvHeads, rows, perKv, length, d).transpose(1, 0, 2, 3, 4))
                .reshape(rows, heads, length, d);
    }

    /** [kvHeads, queries, n] read as [kvHeads, entries, queries / entries, n] (a view). */
    private static NDArray perEntry(NDArray x, Segment s) {
        Shape shape = x.getShape();
        return x.reshape(shape.get(0), s.entries(), shape.get(1) / s.entries(), shape.get(2));
    }

    /** A permuted view copied into its own order (flattening a permuted view copies it). */
    static NDArray contiguous(NDArray permuted) {
        return permuted.flatten().reshape(permuted.getShape());
    }

    /** Keys [B, kvHeads, L, d] as a segment's keys [kvHeads, B, d, L]. */
    static NDArray segmentKeys(NDArray keys) {
        return contiguous(keys.transpose(1, 0, 3, 2));
    }

    /** Values [B, kvHeads, L, d] as a segment's values [kvHeads, B, L, d]. */
    static NDArray segmentValues(NDArray values) {
        return contiguous(values.transpose(1, 0, 2, 3));
    }
}
