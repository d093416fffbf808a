package org.cftrec.runtime.items;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Titles as vectors that need no pretrained model: lower-cased words and character trigrams (of each word with
 * its boundaries), hashed into {@link #DIMENSIONS} signed buckets, weighted by TF-IDF and scaled to unit length.
 * String.hashCode is specified by the language, so the vectors are the same on every JVM.
 */
final class TitleVectors {
    static final int DIMENSIONS = 256;

    private TitleVectors() {
    }

    static float[][] of(List<String> titles) {
        List<Map<String, Integer>> counts = titles.stream().map(TitleVectors::features).toList();
        Map<String, Integer> documents = new HashMap<>();
        for (Map<String, Integer> c : counts) {
            c.keySet().forEach(f -> documents.merge(f, 1, Integer::sum));
        }
        float[][] vectors = new float[titles.size()][DIMENSIONS];
        for (int i = 0; i < titles.size(); i++) {
            for (Map.Entry<String, Integer> f : counts.get(i).entrySet()) {
                double idf = Math.log((1.0 + titles.size()) / (1.0 + documents.get(f.getKey()))) + 1;
                int hash = f.getKey().hashCode();
                int bucket = Math.floorMod(hash, DIMENSIONS);
                float sign = (hash >>> 31) == 0 ? 1f : -1f; // halves the bias of colliding features
                vectors[i][bucket] += (float) (sign * f.getValue() * idf);
            }
            normalize(vectors[i]);
        }
        return vectors;
    }

    private static Map<String, Integer> features(String title) {
        Map<String, Integer> features = new HashMap<>();
        for (String word : title.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (word.isEmpty()) {
                continue;
            }
            features.merge("w:" + word, 1, Integer::sum);
            String bounded = "<" + word + ">";
            for (int k = 0; k + 3 <= bounded.length(); k++) {
                features.merge("c:" + bounded.substring(k, k + 3), 1, Integer::sum);
            }
        }
        return features;
    }

    private static void normalize(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        if (norm > 0) {
            float scale = (float) (1 / Math.sqrt(norm));
            for (int d = 0; d < v.length; d++) {
                v[d] *= scale;
            }
        }
    }
}
