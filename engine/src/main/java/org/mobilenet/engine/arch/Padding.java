package org.mobilenet.engine.arch;

import java.util.Locale;

/**
 * How the 3x3 convolutions are padded. Both give the same output sizes; they differ in where the
 * zeros go when a stride-2 conv meets an even input.
 */
public enum Padding {
    /**
     * TensorFlow's SAME: output = ceil(in / stride); the total padding is split with the extra
     * row/column at the bottom/right. For stride 2 on an even input that means top/left 0,
     * bottom/right 1 (Keras's {@code ZeroPadding2D(((0, 1), (0, 1)))}). TFLite and tf2onnx models.
     */
    TF_SAME,
    /** PyTorch's {@code padding=1} on every side of every 3x3 conv. */
    SYMMETRIC;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Padding parse(String s) {
        for (Padding p : values()) {
            if (p.id().equalsIgnoreCase(s.trim()) || p.name().equalsIgnoreCase(s.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown padding '" + s + "': expected tf-same or symmetric");
    }

    /** The pads of a k x k conv with this stride on an {@code inH x inW} input. */
    public Pads pads(int inH, int inW, int kernel, int stride) {
        if (this == SYMMETRIC) {
            int p = kernel / 2;
            return new Pads(p, p, p, p);
        }
        int th = sameTotal(inH, kernel, stride);
        int tw = sameTotal(inW, kernel, stride);
        return new Pads(th / 2, tw / 2, th - th / 2, tw - tw / 2);
    }

    private static int sameTotal(int in, int kernel, int stride) {
        int out = (in + stride - 1) / stride;
        return Math.max((out - 1) * stride + kernel - in, 0);
    }
}
