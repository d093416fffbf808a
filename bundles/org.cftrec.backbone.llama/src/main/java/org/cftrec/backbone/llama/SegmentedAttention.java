package org.cftrec.backbone.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * Attention of one new query per row over keys and values kept in segments that different numbers of rows
 * share. A segment has some entries, each read by rows / entries consecutive rows: the prompts' shared prefix
 * (one entry for all rows), the prompts (one entry per prompt, read by its beams) and the generated tokens (one
 * per row). All segments' scores go through one softmax. Each segment's products run with the queries of an
 * entry's rows gathered into the M dimension ([entries, kvHeads, rowsPerEntry × headsPerKv, d]), so an entry's
 * keys are read once for all its rows, in one larger product instead of many small ones.
 */
final class SegmentedAttention {
    /**
     * @param keys   [entries, kvHeads, d, P] (transposed: the scores' product reads them in this order)
     * @param values [entries, kvHeads, P, d]
     * @param bias   [entries, 1, 1, P], added to the scores (masks padding), or null
     */
    record Segment(NDArray keys, NDArray values, NDArray bias) {
        long entries() {
            return keys.getShape().get(0);
        }

        long length() {
            return keys.getShape().get(3);
        }
    }

    private SegmentedAttention() {
    }

    /** q [rows, heads, 1, d], already scaled by 1/sqrt(d), to attended values [rows, heads, 1, d]. */
    static NDArray attendOne(NDArray q, List<Segment> segments) {
        long rows = q.getShape().get(0);
        long heads = q.getShape().get(1);
        long d = q.getShape().get(3);
        long kvHeads = segments.get(0).keys().getShape().get(1);
        NDArray perRow = q.reshape(rows, kvHeads, heads / kvHeads, d);
        NDList scores = new NDList();
        long[] boundaries = new long[segments.size() - 1];
        long end = 0;
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            NDArray product = toEntryMajor(perRow, s.entries(), rows).matMul(s.keys());
            scores.add(toRowMajor(s.bias() == null ? product : product.add(s.bias()), s.entries(), rows));
            end += s.length();
            if (i < boundaries.length) {
                boundaries[i] = end;
            }
        }
        NDList weights = NDArrays.concat(scores, 3).softmax(3).split(boundaries, 3);
        NDArray attended = null;
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            NDArray part = toRowMajor(toEntryMajor(weights.get(i), s.entries(), rows).matMul(s.values()),
                    s.entries(), rows);
            attended = attended == null ? part : attended.add(part);
        }
        return attended.reshape(rows, heads, 1, d);
    }

    /** [rows, kvHeads, perKv, n] → [entries, kvHeads, (rows / entries) × perKv, n]. */
    private static NDArray toEntryMajor(NDArray x, long entries, long rows) {
        long group = rows / entries;
        if (group == 1) {
            return x;
        }
        Shape s = x.getShape();
        return x.reshape(entries, group, s.get(1), s.get(2), s.get(3)).transpose(0, 2, 1, 3, 4)
                .reshape(entries, s.get(1), group * s.get(2), s.get(3));
    }

    /** Inverse of {@link #toEntryMajor}. */
    private static NDArray toRowMajor(NDArray x, long entries, long rows) {
        long group = rows / entries;
        if (group == 1) {
            return x;
        }
        Shape s = x.getShape();
        long perKv = s.get(2) / group;
        return x.reshape(entries, s.get(1), group, perKv, s.get(3)).transpose(0, 2, 1, 3, 4)
                .reshape(rows, s.get(1), perKv, s.get(3));
    }
}
