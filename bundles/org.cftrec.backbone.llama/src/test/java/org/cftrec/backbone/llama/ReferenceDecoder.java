package org.cftrec.backbone.llama;

import java.util.Map;

/**
 * An independent, deliberately plain implementation of the same decoder in double precision, one sequence
 * at a time, loops only: the second formulation the NDArray implementation is checked against.
 */
final class ReferenceDecoder {
    private final LlamaConfig c;
    private final Map<String, float[]> w;

    ReferenceDecoder(LlamaConfig config, Map<String, float[]> weights) {
        this.c = config;
        this.w = weights;
    }

    /** Final normed hidden states [T][H] of one unpadded sequence with positions 0..T-1. */
    double[][] hidden(long[] tokens) {
        int t = tokens.length;
        int h = c.hiddenSize();
        double[][] x = new double[t][h];
        float[] embed = w.get("model.embed_tokens.weight");
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < h; j++) {
                x[i][j] = embed[(int) tokens[i] * h + j];
            }
        }
        for (int l = 0; l < c.layers(); l++) {
            x = layer(l, x);
        }
        double[][] out = new double[t][];
        for (int i = 0; i < t; i++) {
            out[i] = rmsNorm(x[i], w.get("model.norm.weight"));
        }
        return out;
    }

    double[] logits(double[] hidden) {
        float[] head = w.get("model.embed_tokens.weight");
        double[] z = new double[c.vocabSize()];
        for (int v = 0; v < z.length; v++) {
            for (int j = 0; j < hidden.length; j++) {
                z[v] += head[v * hidden.length + j] * hidden[j];
            }
        }
        return z;
    }

    private double[][] layer(int l, double[][] x) {
        String p = "model.layers." + l + ".";
        int t = x.length;
        int hd = c.headSize();
        int heads = c.heads();
        int groups = heads / c.kvHeads();
        double[][] q = new double[t][];
        double[][] k = new double[t][];
        double[][] v = new double[t][];
        for (int i = 0; i < t; i++) {
            double[] n = rmsNorm(x[i], w.get(p + "input_layernorm.weight"));
            q[i] = rope(linear(n, w.get(p + "self_attn.q_proj.weight"), w.get(p + "self_attn.q_proj.bias")), i, heads);
            k[i] = rope(linear(n, w.get(p + "self_attn.k_proj.weight"), w.get(p + "self_attn.k_proj.bias")), i, c.kvHeads());
            v[i] = linear(n, w.get(p + "self_attn.v_proj.weight"), w.get(p + "self_attn.v_proj.bias"));
        }
        double[][] out = new double[t][];
        for (int i = 0; i < t; i++) {
            double[] attended = new double[heads * hd];
            for (int head = 0; head < heads; head++) {
                int kvHead = head / groups;
                double[] scores = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    for (int d = 0; d < hd; d++) {
                        scores[j] += q[i][head * hd + d] * k[j][kvHead * hd + d];
                    }
                    scores[j] /= Math.sqrt(hd);
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int j = 0; j <= i; j++) {
                    for (int d = 0; d < hd; d++) {
                        attended[head * hd + d] += scores[j] / sum * v[j][kvHead * hd + d];
                    }
                }
            }
            double[] y = add(x[i], linear(attended, w.get(p + "self_attn.o_proj.weight"), null));
            double[] m = rmsNorm(y, w.get(p + "post_attention_layernorm.weight"));
            double[] gate = linear(m, w.get(p + "mlp.gate_proj.weight"), null);
            double[] up = linear(m, w.get(p + "mlp.up_proj.weight"), null);
            for (int j = 0; j < gate.length; j++) {
                gate[j] = gate[j] / (1 + Math.exp(-gate[j])) * up[j];
            }
            out[i] = add(y, linear(gate, w.get(p + "mlp.down_proj.weight"), null));
        }
        return out;
    }

    /** Rotary embedding, Hugging Face half-split layout, applied per head. */
    private double[] rope(double[] x, int position, int heads) {
        int hd = c.headSize();
        int half = hd / 2;
        double[] out = new double[x.length];
        for (int head = 0; head < heads; head++) {
            for (int i = 0; i < half; i++) {
                double angle = position / Math.pow(c.ropeTheta(), 2.0 * i / hd);
                double a = x[head * hd + i];
                double b = x[head * hd + half + i];
                out[head * hd + i] = a * Math.cos(angle) - b * Math.sin(angle);
                out[head * hd + half + i] = b * Math.cos(angle) + a * Math.sin(angle);
            }
        }
        return out;
    }

    double[] rmsNorm(double[] x, float[] weight) {
        double mean = 0;
        for (double value : x) {
            mean += value * value / x.length;
        }
        double scale = 1 / Math.sqrt(mean + c.rmsNormEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * scale * weight[i];
        }
        return out;
    }

    private static double[] linear(double[] x, float[] weight, float[] bias) {
        int out = weight.length / x.length;
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double sum = bias == null ? 0 : bias[o];
            for (int i = 0; i < x.length; i++) {
                sum += weight[o * x.length + i] * x[i];
            }
            y[o] = sum;
        }
        return y;
    }

    private static double[] add(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }
}
