package org.mobilenet.io;

/**
 * How the file formats lay out convolution weights, against the engine's PyTorch layouts
 * ({@link org.mobilenet.engine.model.TensorNames}: conv {@code [O, I, K, K]}, depthwise
 * {@code [C, 1, K, K]}). Each layout is one index formula (its strides, used by {@link #torchIndex}); reading and writing,
 * float and integer, all go through it.
 */
public enum WeightLayout {
    /** TFLite CONV_2D filters: {@code [O, K, K, I]}. */
    OHWI,
    /** Keras Conv2D kernels: {@code (K, K, I, O)}. */
    HWIO,
    /**
     * Depthwise filters, TFLite {@code [1, K, K, C]} and Keras {@code (K, K, C, 1)} alike: C varies
     * fastest; against {@code [C, 1, K, K]} (the {@code in} count is 1).
     */
    DEPTHWISE;

    /**
     * {@code perm[f]}: the index in the PyTorch layout of the element at index {@code f} of this
     * layout, for {@code o} output channels, {@code in} input channels (1 for depthwise) and a
     * {@code k x k} kernel.
     */
    public int[] torchIndex(int o, int in, int k) {
        int[] perm = new int[Math.multiplyExact(Math.multiplyExact(o, in), k * k)];
        int[] s = strides(o, in, k);
        // Walks the PyTorch order (its index just counts up) and scatters by strides: the importer
        // runs this on millions of weights in a JVM that has not compiled it yet, so the innermost
        // loop does an add and a store, not the layout's whole formula.
        int torch = 0;
        for (int oc = 0; oc < o; oc++) {
            for (int ic = 0; ic < in; ic++) {
                for (int y = 0; y < k; y++) {
                    int file = oc * s[0] + ic * s[1] + y * s[2];
                    for (int x = 0; x < k; x++, file += s[3]) {
                        perm[file] = torch++;
                    }
                }
            }
        }
        return perm;
    }

    /**
     * This layout's index formula as strides: the file index of PyTorch element {@code (oc, ic, y, x)}
     * is {@code oc * s[0] + ic * s[1] + y * s[2] + x * s[3]}.
     */
    private int[] strides(int o, int in, int k) {
        return switch (this) {
            case OHWI -> new int[] {k * k * in, 1, k * in, in};                 // ((oc*k + y)*k + x)*in + ic
            case HWIO -> new int[] {1, o, k * in * o, in * o};                  // ((y*k + x)*in + ic)*o + oc
            case DEPTHWISE -> new int[] {1, 0, k * o, o};                       // (y*k + x)*o + oc, in = 1
        };
    }

    /** True when this layout stores {@code k x k} weights in PyTorch's order: OHWI of 1x1 convs. */
    public boolean isTorchOrder(int k) {
        return this == OHWI && k == 1;
    }

    /** File-layout floats to the PyTorch layout. */
    public float[] toTorch(float[] file, int o, int in, int k) {
        if (isTorchOrder(k)) {
            check(file.length, o * in);
            return file.clone(); // a cold import reads many 1x1 convs: no index table for them
        }
        int[] perm = torchIndex(o, in, k);
        check(file.length, perm.length);
        float[] out = new float[file.length];
        for (int f = 0; f < perm.length; f++) {
            out[perm[f]] = file[f];
        }
        return out;
    }

    /** File-layout integers (quantized weights) to the PyTorch layout. */
    public int[] toTorch(int[] file, int o, int in, int k) {
        if (isTorchOrder(k)) {
            check(file.length, o * in);
            return file.clone();
        }
        int[] perm = torchIndex(o, in, k);
        check(file.length, perm.length);
        int[] out = new int[file.length];
        for (int f = 0; f < perm.length; f++) {
            out[perm[f]] = file[f];
        }
        return out;
    }

    /** PyTorch-layout floats to this layout. */
    public float[] fromTorch(float[] torch, int o, int in, int k) {
        int[] perm = torchIndex(o, in, k);
        check(torch.length, perm.length);
        float[] out = new float[torch.length];
        for (int f = 0; f < perm.length; f++) {
            out[f] = torch[perm[f]];
        }
        return out;
    }

    /** PyTorch-layout integers to this layout. */
    public int[] fromTorch(int[] torch, int o, int in, int k) {
        int[] perm = torchIndex(o, in, k);
        check(torch.length, perm.length);
        int[] out = new int[torch.length];
        for (int f = 0; f < perm.length; f++) {
            out[f] = torch[perm[f]];
        }
        return out;
    }

    private void check(int have, int want) {
        if (have != want) {
            throw new IllegalArgumentException(name() + " weights: expected " + want + " values, got " + have);
        }
    }

    /**
     * A dense layer's weights over a map flattened channel-major (PyTorch's flatten of NCHW: column
     * {@code (c * h + y) * w + x}) to the engine's order, the map flattened as NHWC (column
     * {@code (y * w + x) * c + ch}: how the engine, TFLite and Keras read a map whole). Shape:
     * {@code [rows, h * w * c]} row-major both ways; {@link #nhwcColumnsToNchw} undoes it.
     */
    public static float[] nchwColumnsToNhwc(float[] weights, int rows, int h, int w, int c) {
        return permuteColumns(weights, rows, h, w, c, true);
    }

    /** The inverse of {@link #nchwColumnsToNhwc}: the engine's order to PyTorch's. */
    public static float[] nhwcColumnsToNchw(float[] weights, int rows, int h, int w, int c) {
        return permuteColumns(weights, rows, h, w, c, false);
    }

    private static float[] permuteColumns(float[] weights, int rows, int h, int w, int c, boolean toNhwc) {
        int cols = h * w * c;
        if (weights.length != rows * cols) {
            throw new IllegalArgumentException("expected " + rows + " x " + cols + " weights, found " + weights.length);
        }
        float[] out = new float[weights.length];
        for (int r = 0; r < rows; r++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int nchw = r * cols + (ch * h + y) * w + x;
                        int nhwc = r * cols + (y * w + x) * c + ch;
                        if (toNhwc) {
                            out[nhwc] = weights[nchw];
                        } else {
                            out[nchw] = weights[nhwc];
                        }
                    }
                }
            }
        }
        return out;
    }
}
