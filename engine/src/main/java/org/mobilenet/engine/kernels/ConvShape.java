package org.mobilenet.engine.kernels;

import org.mobilenet.engine.arch.Pads;

/**
 * The geometry of one convolution on one image, channels-last: input {@code inH x inW x inC},
 * a {@code kernel x kernel} window, stride, pads, output {@code outH() x outW() x outC}.
 */
public record ConvShape(int inH, int inW, int inC, int outC, int kernel, int stride, Pads pads) {
    public ConvShape {
        if (inH < 1 || inW < 1 || inC < 1 || outC < 1 || kernel < 1 || stride < 1) {
            throw new IllegalArgumentException("conv dimensions must be >= 1: " + inH + "x" + inW + "x" + inC
                    + " -> " + outC + ", kernel " + kernel + ", stride " + stride);
        }
        if (pads == null) {
            throw new IllegalArgumentException("pads must not be null");
        }
        if (inH + pads.top() + pads.bottom() < kernel || inW + pads.left() + pads.right() < kernel) {
            throw new IllegalArgumentException("kernel " + kernel + " larger than padded input " + inH + "x" + inW);
        }
    }

    public int outH() {
        return (inH + pads.top() + pads.bottom() - kernel) / stride + 1;
    }

    public int outW() {
        return (inW + pads.left() + pads.right() - kernel) / stride + 1;
    }

    /** Values in one image's input. */
    public int inSize() {
        return inH * inW * inC;
    }

    /** Values in one image's output. */
    public int outSize() {
        return outH() * outW() * outC;
    }
}
