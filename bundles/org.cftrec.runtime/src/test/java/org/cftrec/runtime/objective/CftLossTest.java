package org.cftrec.runtime.objective;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.cftrec.api.spec.WeightScope;
import org.cftrec.api.train.LossTerms;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import static org.junit.Assert.assertEquals;

/**
 * The objective in DJL against a plain-Java double-precision computation of the formulas in
 * cft-method.md section 2, values and gradients (the gradients from their closed form:
 * dCE(softmax(z), y)/dz = softmax(z) - onehot(y)).
 */
public class CftLossTest {
    // 3 target tokens (the last example has a single token), vocabulary of 4.
    private static final double[][] Z_H = {{2.0, 0.5, -1.0, 0.1}, {0.3, 1.7, 0.2, -0.4}, {-0.5, 0.0, 2.5, 1.0}};
    private static final double[][] Z_0 = {{1.0, 0.9, -0.2, 0.0}, {0.1, 0.2, 0.3, 0.4}, {0.0, -1.0, 1.0, 2.0}};
    private static final long[] Y = {0, 1, 3};
    private static final double[] W = {1.0, 0.25, 1.0};
    private static final double ALPHA = 0.1;

    private NDManager manager;

    @Before
    public void open() {
        manager = NDManager.newBaseManager();
    }

    @After
    public void close() {
        manager.close();
    }

    @Test
    public void lossesMatchTheFormulasInDoublePrecision() {
        LossTerms terms = CftLoss.compute(array(Z_H), array(Z_0), manager.create(Y), weights(), ALPHA, WeightScope.BOTH);
        double ln = weightedCe(Z_H, W);
        double lc = weightedCe(difference(), W);
        assertEquals(ln, terms.factual().getFloat(), 1e-6);
        assertEquals(lc, terms.counterfactual().getFloat(), 1e-6);
        assertEquals(ln + ALPHA * lc, terms.total().getFloat(), 1e-6);
    }

    @Test
    public void counterfactualOnlyScopeLeavesTheFactualLossUnweighted() {
        LossTerms terms = CftLoss.compute(array(Z_H), array(Z_0), manager.create(Y), weights(), ALPHA,
                WeightScope.COUNTERFACTUAL_ONLY);
        assertEquals(weightedCe(Z_H, new double[] {1, 1, 1}), terms.factual().getFloat(), 1e-6);
        assertEquals(weightedCe(difference(), W), terms.counterfactual().getFloat(), 1e-6);
    }

    @Test
    public void alphaZeroWithUniformWeightsIsPlainSft() {
        NDArray ones = manager.create(new float[] {1, 1, 1});
        LossTerms terms = CftLoss.compute(array(Z_H), null, manager.create(Y), ones, 0, WeightScope.BOTH);
        double meanCe = 0;
        for (int t = 0; t < Y.length; t++) {
            meanCe += -logSoftmax(Z_H[t])[(int) Y[t]] / Y.length;
        }
        assertEquals(meanCe, terms.total().getFloat(), 1e-6);
        assertEquals(0f, terms.counterfactual().getFloat(), 0f);
    }

    @Test
    public void gradientsFlowThroughBothBranches() {
        NDArray zh = array(Z_H);
        NDArray z0 = array(Z_0);
        zh.setRequiresGradient(true);
        z0.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            LossTerms terms = CftLoss.compute(zh, z0, manager.create(Y), weights(), ALPHA, WeightScope.BOTH);
            collector.backward(terms.total());
        }
        float[] gradH = zh.getGradient().toFloatArray();
        float[] grad0 = z0.getGradient().toFloatArray();
        double weightSum = W[0] + W[1] + W[2];
        double[][] d = difference();
        for (int t = 0; t < Y.length; t++) {
            double[] pH = softmax(Z_H[t]);
            double[] pD = softmax(d[t]);
            for (int v = 0; v < 4; v++) {
                double oneHot = v == Y[t] ? 1 : 0;
                double dLn = W[t] * (pH[v] - oneHot) / weightSum;
                double dLc = W[t] * (pD[v] - oneHot) / weightSum;
                assertEquals("dL/dz_h[" + t + "," + v + "]", dLn + ALPHA * dLc, gradH[t * 4 + v], 1e-6);
                assertEquals("dL/dz_0[" + t + "," + v + "]", -ALPHA * dLc, grad0[t * 4 + v], 1e-6);
            }
        }
    }

    private NDArray array(double[][] values) {
        float[] flat = new float[values.length * values[0].length];
        for (int i = 0; i < values.length; i++) {
            for (int j = 0; j < values[0].length; j++) {
                flat[i * values[0].length + j] = (float) values[i][j];
            }
        }
        return manager.create(flat, new Shape(values.length, values[0].length));
    }

    private NDArray weights() {
        return manager.create(new float[] {(float) W[0], (float) W[1], (float) W[2]});
    }

    private static double[][] difference() {
        double[][] d = new double[Z_H.length][Z_H[0].length];
        for (int i = 0; i < d.length; i++) {
            for (int j = 0; j < d[0].length; j++) {
                d[i][j] = Z_H[i][j] - Z_0[i][j];
            }
        }
        return d;
    }

    private static double weightedCe(double[][] logits, double[] w) {
        double sum = 0;
        double weightSum = 0;
        for (int t = 0; t < Y.length; t++) {
            sum += w[t] * -logSoftmax(logits[t])[(int) Y[t]];
            weightSum += w[t];
        }
        return sum / weightSum;
    }

    private static double[] logSoftmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = z[i] - log;
        }
        return out;
    }

    private static double[] softmax(double[] z) {
        double[] l = logSoftmax(z);
        for (int i = 0; i < l.length; i++) {
            l[i] = Math.exp(l[i]);
        }
        return l;
    }
}
