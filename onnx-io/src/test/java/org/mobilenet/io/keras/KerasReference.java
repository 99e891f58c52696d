package org.mobilenet.io.keras;

import java.util.List;
import java.util.Map;

/**
 * A forward pass of a Keras model written from Keras's definitions, independent of the importer: NHWC
 * feature maps, Conv2D kernels HWIO, DepthwiseConv2D kernels (k, k, C, 1), TensorFlow's SAME padding
 * (extra row and column at the bottom and right), BatchNormalization {@code gamma (x - mean) /
 * sqrt(var + eps) + beta}, ReLU(max_value), Dense kernels (in, out), softmax, sigmoid, hard_swish
 * ({@code x * relu6(x + 3) / 6}), Rescaling, TFOpLambda arithmetic with a constant, Multiply (one
 * operand may be 1 x 1 x C, broadcast over the other's pixels); plain loops in double.
 */
final class KerasReference {
    /** Reads a layer's variables (in Keras's order) from the file under test. */
    interface Weights {
        List<float[]> of(KerasTestModels.Layer layer);
    }

    private double[] x;
    private int h;
    private int w;
    private int c;
    /** Each layer's output, for Add (a residual reads an earlier one). */
    private final Map<String, double[]> outputs = new java.util.HashMap<>();
    /** Each layer's output height, width and channels. */
    private final Map<String, int[]> dims = new java.util.HashMap<>();

    private KerasReference(float[] input, int h, int w) {
        this.x = new double[input.length];
        for (int i = 0; i < input.length; i++) {
            x[i] = input[i];
        }
        this.h = h;
        this.w = w;
        this.c = input.length / (h * w); // 3, or 1 for a gray model
    }

    static float[] forward(List<KerasTestModels.Layer> layers, Weights weights, float[] input, int h, int w) {
        KerasReference r = new KerasReference(input, h, w);
        for (KerasTestModels.Layer l : layers) {
            r.apply(l, weights);
            r.outputs.put(l.name(), r.x.clone());
            r.dims.put(l.name(), new int[] {r.h, r.w, r.c});
        }
        float[] out = new float[r.x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) r.x[i];
        }
        return out;
    }

    private void apply(KerasTestModels.Layer l, Weights weights) {
        Map<String, Object> cfg = l.config();
        switch (l.cls()) {
            case "InputLayer", "Dropout", "Reshape" -> { }
            case "Flatten" -> { // channels_last: the NHWC values as they lie, one vector per image
                c = h * w * c;
                h = 1;
                w = 1;
            }
            case "ZeroPadding2D" -> pad(0, 1, 0, 1);
            case "Conv2D", "DepthwiseConv2D" -> {
                List<float[]> v = weights.of(l);
                int k = ((Number) ((List<?>) cfg.get("kernel_size")).get(0)).intValue();
                int s = ((Number) ((List<?>) cfg.get("strides")).get(0)).intValue();
                padSame(cfg, k, s);
                boolean dw = l.cls().equals("DepthwiseConv2D");
                int outC = dw ? c : ((Number) cfg.get("filters")).intValue();
                conv(v.get(0), v.size() > 1 ? v.get(1) : null, k, s, outC, dw);
                activation(cfg.get("activation"));
            }
            case "SeparableConv2D" -> { // a depthwise conv (kernel (k, k, C, 1)), then a 1x1 conv with the bias
                List<float[]> v = weights.of(l);
                int k = ((Number) ((List<?>) cfg.get("kernel_size")).get(0)).intValue();
                int s = ((Number) ((List<?>) cfg.get("strides")).get(0)).intValue();
                padSame(cfg, k, s);
                conv(v.get(0), null, k, s, c, true);
                conv(v.get(1), v.size() > 2 ? v.get(2) : null, 1, 1, ((Number) cfg.get("filters")).intValue(), false);
                activation(cfg.get("activation"));
            }
            case "BatchNormalization" -> {
                List<float[]> v = weights.of(l);
                double eps = ((Number) cfg.get("epsilon")).doubleValue();
                for (int i = 0; i < x.length; i++) {
                    int ch = i % c;
                    x[i] = v.get(0)[ch] * (x[i] - v.get(2)[ch]) / Math.sqrt(v.get(3)[ch] + eps) + v.get(1)[ch];
                }
            }
            case "ReLU" -> {
                Object max = cfg.get("max_value");
                for (int i = 0; i < x.length; i++) {
                    x[i] = Math.max(x[i], 0);
                    if (max != null) {
                        x[i] = Math.min(x[i], ((Number) max).doubleValue());
                    }
                }
            }
            case "AveragePooling2D" -> { // 'valid' padding, square pool and strides: a depthwise conv of 1 / k^2
                int k = ((Number) ((List<?>) cfg.get("pool_size")).get(0)).intValue();
                int s = ((Number) ((List<?>) cfg.get("strides")).get(0)).intValue();
                float[] mean = new float[k * k * c];
                java.util.Arrays.fill(mean, 1f / (k * k));
                conv(mean, null, k, s, c, true);
            }
            case "GlobalAveragePooling2D" -> {
                double[] p = new double[c];
                for (int i = 0; i < x.length; i++) {
                    p[i % c] += x[i];
                }
                for (int i = 0; i < c; i++) {
                    p[i] /= h * w;
                }
                x = p;
                h = 1;
                w = 1;
            }
            case "Dense" -> {
                List<float[]> v = weights.of(l);
                int units = ((Number) cfg.get("units")).intValue();
                // On the last axis, for each pixel of a map that was not pooled or flattened.
                double[] y = new double[h * w * units];
                for (int p = 0; p < h * w; p++) {
                    for (int o = 0; o < units; o++) {
                        double acc = v.size() > 1 ? v.get(1)[o] : 0;
                        for (int i = 0; i < c; i++) {
                            acc += x[p * c + i] * v.get(0)[i * units + o];
                        }
                        y[p * units + o] = acc;
                    }
                }
                x = y;
                c = units;
                activation(cfg.get("activation"));
            }
            case "Activation" -> activation(cfg.get("activation"));
            case "Add" -> {
                double[] a = outputs.get(l.inbound().get(0));
                double[] b = outputs.get(l.inbound().get(1));
                x = new double[a.length];
                for (int i = 0; i < a.length; i++) {
                    x[i] = a[i] + b[i];
                }
            }
            case "Rescaling" -> {
                double scale = ((Number) cfg.get("scale")).doubleValue();
                double offset = ((Number) cfg.get("offset")).doubleValue();
                for (int i = 0; i < x.length; i++) {
                    x[i] = x[i] * scale + offset;
                }
            }
            case "TFOpLambda" -> {
                double y = ((Number) ((Map<?, ?>) cfg.get(KerasConfig.CALL_KWARGS)).get("y")).doubleValue();
                String f = (String) cfg.get("function");
                for (int i = 0; i < x.length; i++) {
                    x[i] = switch (f) {
                        case "__operators__.add", "math.add" -> x[i] + y;
                        case "math.subtract" -> x[i] - y;
                        case "math.multiply" -> x[i] * y;
                        case "math.truediv" -> x[i] / y;
                        default -> throw new IllegalArgumentException("reference: no TFOpLambda " + f);
                    };
                }
            }
            case "Multiply" -> {
                String an = l.inbound().get(0);
                String bn = l.inbound().get(1);
                double[] a = outputs.get(an);
                double[] b = outputs.get(bn);
                int[] d = dims.get(a.length >= b.length ? an : bn);
                double[] big = a.length >= b.length ? a : b;
                double[] small = a.length >= b.length ? b : a;
                x = new double[big.length];
                for (int i = 0; i < big.length; i++) {
                    x[i] = big[i] * small[small.length == big.length ? i : i % small.length];
                }
                h = d[0];
                w = d[1];
                c = d[2];
            }
            default -> throw new IllegalArgumentException("reference: no " + l.cls());
        }
    }

    private void activation(Object a) {
        if ("softmax".equals(a)) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : x) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.exp(x[i] - max);
                sum += x[i];
            }
            for (int i = 0; i < x.length; i++) {
                x[i] /= sum;
            }
        } else if ("sigmoid".equals(a)) {
            for (int i = 0; i < x.length; i++) {
                x[i] = 1 / (1 + Math.exp(-x[i]));
            }
        } else if ("hard_swish".equals(a)) {
            for (int i = 0; i < x.length; i++) {
                x[i] = x[i] * Math.min(Math.max(x[i] + 3, 0), 6) / 6;
            }
        } else if ("relu".equals(a)) {
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.max(0, x[i]);
            }
        }
    }

    private void pad(int top, int bottom, int left, int right) {
        int nh = h + top + bottom;
        int nw = w + left + right;
        double[] y = new double[nh * nw * c];
        for (int i = 0; i < h; i++) {
            System.arraycopy(x, i * w * c, y, ((i + top) * nw + left) * c, w * c);
        }
        x = y;
        h = nh;
        w = nw;
    }

    /** TensorFlow's 'same' padding of a k x k, stride s window (the extra row and column at the bottom and right). */
    private void padSame(Map<String, Object> cfg, int k, int s) {
        if ("same".equals(cfg.get("padding"))) {
            int th = Math.max(((h + s - 1) / s - 1) * s + k - h, 0);
            int tw = Math.max(((w + s - 1) / s - 1) * s + k - w, 0);
            pad(th / 2, th - th / 2, tw / 2, tw - tw / 2);
        }
    }

    private void conv(float[] kernel, float[] bias, int k, int s, int outC, boolean dw) {
        int oh = (h - k) / s + 1;
        int ow = (w - k) / s + 1;
        double[] y = new double[oh * ow * outC];
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                for (int o = 0; o < outC; o++) {
                    double acc = bias == null ? 0 : bias[o];
                    for (int ky = 0; ky < k; ky++) {
                        for (int kx = 0; kx < k; kx++) {
                            int base = ((oy * s + ky) * w + ox * s + kx) * c;
                            if (dw) {
                                acc += x[base + o] * kernel[(ky * k + kx) * c + o];
                            } else {
                                for (int i = 0; i < c; i++) {
                                    acc += x[base + i] * kernel[((ky * k + kx) * c + i) * outC + o];
                                }
                            }
                        }
                    }
                    y[(oy * ow + ox) * outC + o] = acc;
                }
            }
        }
        x = y;
        h = oh;
        w = ow;
        c = outC;
    }
}
