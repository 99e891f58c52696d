package org.mobilenet.engine.arch;

import java.util.Objects;

/**
 * One layer of the network: its name (also the prefix of its tensors), kind, kernel, stride, pads
 * and per-image input and output shapes.
 */
public record LayerSpec(String name, LayerKind kind, int kernel, int stride, Pads pads, Shape in, Shape out) {
    public LayerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(pads, "pads");
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        if (kernel < 1 || stride < 1) {
            throw new IllegalArgumentException(name + ": kernel and stride must be >= 1");
        }
        switch (kind) {
            case CONV, DEPTHWISE, POINTWISE -> {
                int oh = (in.h() + pads.top() + pads.bottom() - kernel) / stride + 1;
                int ow = (in.w() + pads.left() + pads.right() - kernel) / stride + 1;
                if (oh != out.h() || ow != out.w()) {
                    throw new IllegalArgumentException(name + ": output " + out + " does not follow from input " + in
                            + ", kernel " + kernel + ", stride " + stride + ", pads " + pads);
                }
                if (kind == LayerKind.DEPTHWISE && in.c() != out.c()) {
                    throw new IllegalArgumentException(name + ": depthwise conv must keep its channels");
                }
                if (kind == LayerKind.POINTWISE && (kernel != 1 || stride != 1)) {
                    throw new IllegalArgumentException(name + ": pointwise conv is 1x1 with stride 1");
                }
            }
            case AVG_POOL -> {
                if (out.h() != 1 || out.w() != 1 || out.c() != in.c()) {
                    throw new IllegalArgumentException(name + ": global average pooling gives 1x1xC");
                }
            }
            case FC, SOFTMAX -> {
                if (in.h() != 1 || in.w() != 1 || out.h() != 1 || out.w() != 1) {
                    throw new IllegalArgumentException(name + ": " + kind.id() + " works on 1x1xC");
                }
            }
        }
    }

    /** Number of input channels. */
    public int inChannels() {
        return in.c();
    }

    /** Number of output channels. */
    public int outChannels() {
        return out.c();
    }

    /** The shape of this layer's weight tensor in the model's PyTorch layout, or null if it has none. */
    public int[] weightShape() {
        return switch (kind) {
            case CONV -> new int[] {out.c(), in.c(), kernel, kernel};
            case DEPTHWISE -> new int[] {out.c(), 1, kernel, kernel};
            case POINTWISE -> new int[] {out.c(), in.c(), 1, 1};
            case FC -> new int[] {out.c(), in.c()};
            default -> null;
        };
    }
}
