package org.cftrec.runtime.items;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Residual k-means, the quantiser of semantic IDs without a trained encoder: level 1 clusters the vectors, each
 * next level clusters what the earlier centroids left unexplained, so early codes are coarse and later ones fine.
 * k-means++ seeding from a fixed seed and a fixed number of Lloyd iterations make the codes a function of the
 * vectors alone.
 */
final class ResidualKMeans {
    static final int ITERATIONS = 20;

    private ResidualKMeans() {
    }

    /** codes[i][level] for each vector; {@code vectors} is consumed (it ends as the last residuals). */
    static int[][] codes(float[][] vectors, int levels, int k, long seed) {
        int[][] codes = new int[vectors.length][levels];
        SplittableRandom random = new SplittableRandom(seed);
        for (int level = 0; level < levels; level++) {
            Clusters clusters = cluster(vectors, Math.min(k, vectors.length), random);
            for (int i = 0; i < vectors.length; i++) {
                codes[i][level] = clusters.assignment()[i];
                float[] centroid = clusters.centroids()[clusters.assignment()[i]];
                for (int d = 0; d < vectors[i].length; d++) {
                    vectors[i][d] -= centroid[d];
                }
            }
        }
        return codes;
    }

    /** Each point's cluster and the clusters' means after the last Lloyd iteration. */
    record Clusters(int[] assignment, float[][] centroids) {
    }

    static Clusters cluster(float[][] x, int k, SplittableRandom random) {
        float[][] centroids = seeds(x, k, random);
        int[] assignment = new int[x.length];
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            boolean moved = false;
            for (int i = 0; i < x.length; i++) {
                int best = nearest(x[i], centroids);
                moved |= best != assignment[i];
                assignment[i] = best;
            }
            centroids = centroids(x, assignment, k);
            if (!moved && iteration > 0) {
                break;
            }
        }
        return new Clusters(assignment, centroids);
    }

    /** k-means++: each next seed drawn with probability proportional to its squared distance to the nearest. */
    private static float[][] seeds(float[][] x, int k, SplittableRandom random) {
        float[][] seeds = new float[k][];
        seeds[0] = x[random.nextInt(x.length)].clone();
        double[] distance = new double[x.length];
        Arrays.fill(distance, Double.MAX_VALUE);
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int i = 0; i < x.length; i++) {
                distance[i] = Math.min(distance[i], squared(x[i], seeds[c - 1]));
                total += distance[i];
            }
            int chosen = 0;
            if (total > 0) {
                double target = random.nextDouble() * total;
                for (double sum = 0; chosen < x.length - 1; chosen++) {
                    sum += distance[chosen];
                    if (sum >= target) {
                        break;
                    }
                }
            } else {
                chosen = random.nextInt(x.length); // all points equal their seeds: any point will do
            }
            seeds[c] = x[chosen].clone();
        }
        return seeds;
    }

    /** Means of each cluster; an emptied cluster keeps a copy of the point farthest from its own centroid. */
    static float[][] centroids(float[][] x, int[] assignment, int k) {
        int dimensions = x[0].length;
        float[][] sums = new float[k][dimensions];
        int[] sizes = new int[k];
        for (int i = 0; i < x.length; i++) {
            sizes[assignment[i]]++;
            for (int d = 0; d < dimensions; d++) {
                sums[assignment[i]][d] += x[i][d];
            }
        }
        for (int c = 0; c < k; c++) {
            if (sizes[c] > 0) {
                for (int d = 0; d < dimensions; d++) {
                    sums[c][d] /= sizes[c];
                }
            }
        }
        for (int c = 0; c < k; c++) {
            if (sizes[c] == 0) {
                int farthest = 0;
                double worst = -1;
                for (int i = 0; i < x.length; i++) {
                    double d = squared(x[i], sums[assignment[i]]);
                    if (d > worst && sizes[assignment[i]] > 1) {
                        worst = d;
                        farthest = i;
                    }
                }
                sums[c] = x[farthest].clone();
                sizes[c] = 1;
            }
        }
        return sums;
    }

    static int nearest(float[] v, float[][] centroids) {
        int best = 0;
        double bestDistance = Double.MAX_VALUE;
        for (int c = 0; c < centroids.length; c++) {
            double d = squared(v, centroids[c]);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }

    private static double squared(float[] a, float[] b) {
        double sum = 0;
        for (int d = 0; d < a.length; d++) {
            double diff = a[d] - b[d];
            sum += diff * diff;
        }
        return sum;
    }
}
