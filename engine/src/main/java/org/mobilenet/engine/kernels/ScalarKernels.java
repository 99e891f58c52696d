package org.mobilenet.engine.kernels;

import org.mobilenet.engine.arch.Activation;

/**
 * The reference kernels: plain loops that follow the definitions, accumulate in double and are
 * obviously correct. Slow on purpose; the fast kernels are tested against these.
 */
public final class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void conv(float[] in, int n, ConvShape s, float[] w, float[] bias, Activation act, float[] out) {
        int oh = s.outH();
        int ow = s.outW();
        int k = s.kernel();
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int oc = 0; oc < s.outC(); oc++) {
                        double acc = bias == null ? 0 : bias[oc];
                        for (int ky = 0; ky < k; ky++) {
                            int iy = oy * s.stride() + ky - s.pads().top();
                            if (iy < 0 || iy >= s.inH()) {
                                continue;
                            }
                            for (int kx = 0; kx < k; kx++) {
                                int ix = ox * s.stride() + kx - s.pads().left();
                                if (ix < 0 || ix >= s.inW()) {
                                    continue;
                                }
                                int inBase = ((b * s.inH() + iy) * s.inW() + ix) * s.inC();
                                for (int ic = 0; ic < s.inC(); ic++) {
                                    acc += (double) in[inBase + ic] * w[((ky * k + kx) * s.inC() + ic) * s.outC() + oc];
                                }
                            }
                        }
                        out[((b * oh + oy) * ow + ox) * s.outC() + oc] = act.apply((float) acc);
                    }
                }
            }
        }
    }

    @Override
    public void depthwise(float[] in, int n, ConvShape s, float[] w, float[] bias, Activation act, float[] out) {
        if (s.inC() != s.outC()) {
            throw new IllegalArgumentException("depthwise conv keeps its channels: " + s);
        }
        int c = s.inC();
        int oh = s.outH();
        int ow = s.outW();
        int k = s.kernel();
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int ch = 0; ch < c; ch++) {
                        double acc = bias == null ? 0 : bias[ch];
                        for (int ky = 0; ky < k; ky++) {
                            int iy = oy * s.stride() + ky - s.pads().top();
                            for (int kx = 0; kx < k; kx++) {
                                int ix = ox * s.stride() + kx - s.pads().left();
                                if (iy >= 0 && iy < s.inH() && ix >= 0 && ix < s.inW()) {
                                    acc += (double) in[((b * s.inH() + iy) * s.inW() + ix) * c + ch] * w[(ky * k + kx) * c + ch];
                                }
                            }
                        }
                        out[((b * oh + oy) * ow + ox) * c + ch] = act.apply((float) acc);
                    }
                }
            }
        }
    }

    @Override
    public void pointwise(float[] in, int pixels, int inC, int outC, float[] w, float[] bias, Activation act, float[] out) {
        for (int p = 0; p < pixels; p++) {
            for (int oc = 0; oc < outC; oc++) {
                double acc = bias == null ? 0 : bias[oc];
                for (int ic = 0; ic < inC; ic++) {
                    acc += (double) in[p * inC + ic] * w[ic * outC + oc];
                }
                out[p * outC + oc] = act.apply((float) acc);
            }
        }
    }

    @Override
    public void averagePool(float[] in, int n, int h, int w, int c, float[] out) {
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                double acc = 0;
                for (int i = 0; i < h * w; i++) {
                    acc += in[(b * h * w + i) * c + ch];
                }
                out[b * c + ch] = (float) (acc / (h * w));
            }
        }
    }

    @Override
    public void fullyConnected(float[] in, int n, int inC, int outC, float[] w, float[] bias, float[] out) {
        pointwise(in, n, inC, outC, w, bias, Activation.NONE, out);
    }

    @Override
    public void softmax(float[] in, int n, int c, float[] out) {
        for (int b = 0; b < n; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < c; i++) {
                max = Math.max(max, in[b * c + i]);
            }
            double sum = 0;
            double[] e = new double[c];
            for (int i = 0; i < c; i++) {
                e[i] = Math.exp(in[b * c + i] - max);
                sum += e[i];
            }
            for (int i = 0; i < c; i++) {
                out[b * c + i] = (float) (e[i] / sum);
            }
        }
    }

    @Override
    public void add(float[] in, float[] addend, int len, Activation act, float[] out) {
        for (int i = 0; i < len; i++) {
            out[i] = act.apply(in[i] + addend[i]);
        }
    }
}
