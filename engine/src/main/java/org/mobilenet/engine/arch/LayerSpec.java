package org.mobilenet.engine.arch;

import java.util.Objects;

/**
 * One layer of the network: its name (also the prefix of its tensors), kind, kernel, stride, pads,
 * per-image input and output shapes, the activation after it, and for a residual add the layer it
 * adds.
 *
 * @param activation applied to this layer's output (after BN or bias); pooling and softmax have none
 * @param addend     for {@link LayerKind#ADD} only: the name of the earlier layer whose output is added
 *                   to this layer's input (the previous layer's output); null for every other kind
 */
public record LayerSpec(String name, LayerKind kind, int kernel, int stride, Pads pads, Shape in, Shape out,
        Activation activation, String addend) {
    public LayerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(pads, "pads");
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(activation, "activation");
        if (kernel < 1 || stride < 1) {
            throw new IllegalArgumentException(name + ": kernel and stride must be >= 1");
        }
        boolean two = kind == LayerKind.ADD || kind == LayerKind.SCALE;
        if (two != (addend != null)) {
            throw new IllegalArgumentException(name + ": " + (two
                    ? kind.id() + " needs the name of the earlier layer it reads" : kind.id() + " has no addend"));
        }
        switch (kind) {
            case CONV, DEPTHWISE, POINTWISE -> {
                if (convSide(in.h(), pads.top() + pads.bottom(), kernel, stride) != out.h()
                        || convSide(in.w(), pads.left() + pads.right(), kernel, stride) != out.w()) {
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
            case FC -> {
                if (out.h() != 1 || out.w() != 1) {
                    throw new IllegalArgumentException(name + ": a fully connected layer gives 1x1xC");
                }
            }
            case SOFTMAX, SIGMOID -> {
                if (in.h() != 1 || in.w() != 1 || out.h() != 1 || out.w() != 1) {
                    throw new IllegalArgumentException(name + ": " + kind.id() + " works on 1x1xC");
                }
            }
            case SCALE -> {
                if (in.h() != 1 || in.w() != 1 || in.c() != out.c() || kernel != 1 || stride != 1
                        || !pads.equals(Pads.NONE)) {
                    throw new IllegalArgumentException(name + ": a scaling takes a 1x1xC gate to an HxWxC map of the"
                            + " same channels (" + in + " -> " + out + ") with kernel 1, stride 1 and no pads");
                }
            }
            case ADD -> {
                if (!in.equals(out) || kernel != 1 || stride != 1 || !pads.equals(Pads.NONE)) {
                    throw new IllegalArgumentException(name + ": a residual add keeps its shape (" + in + " -> " + out
                            + ") with kernel 1, stride 1 and no pads");
                }
            }
        }
        if ((kind == LayerKind.AVG_POOL || kind == LayerKind.SOFTMAX || kind == LayerKind.SIGMOID
                || kind == LayerKind.SCALE) && activation != Activation.NONE) {
            throw new IllegalArgumentException(name + ": " + kind.id() + " has no activation");
        }
    }

    /**
     * A layer with the activation its kind had before layers carried their own (ReLU6 after every
     * conv, none after anything else) and no addend: MobileNet v1's layers.
     */
    public LayerSpec(String name, LayerKind kind, int kernel, int stride, Pads pads, Shape in, Shape out) {
        this(name, kind, kernel, stride, pads, in, out, defaultActivation(kind), null);
    }

    /**
     * A convolution of the generators: k x k with that stride on {@code in}, padded by
     * {@code padding}'s rule (1x1 convs have no pads), to {@code outC} channels.
     */
    public static LayerSpec conv(String name, LayerKind kind, int k, int stride, Padding padding, Shape in, int outC,
            Activation activation) {
        Pads pads = k == 1 ? Pads.NONE : padding.pads(in.h(), in.w(), k, stride);
        Shape out = new Shape(convSide(in.h(), pads.top() + pads.bottom(), k, stride),
                convSide(in.w(), pads.left() + pads.right(), k, stride), outC);
        return new LayerSpec(name, kind, k, stride, pads, in, out, activation, null);
    }

    /** One output side of a k x k conv with that stride on a side of {@code in} pixels plus {@code pads}. */
    private static int convSide(int in, int pads, int k, int stride) {
        return (in + pads - k) / stride + 1;
    }

    /** A residual add of {@code addend}'s output to the previous layer's output, of shape {@code shape}. */
    public static LayerSpec add(String name, Shape shape, String addend) {
        return new LayerSpec(name, LayerKind.ADD, 1, 1, Pads.NONE, shape, shape, Activation.NONE, addend);
    }

    /** ReLU6 for the conv kinds, none otherwise: v1's activations. */
    public static Activation defaultActivation(LayerKind kind) {
        return switch (kind) {
            case CONV, DEPTHWISE, POINTWISE -> Activation.RELU6;
            default -> Activation.NONE;
        };
    }

    /** The same layer with another activation. */
    public LayerSpec withActivation(Activation a) {
        return new LayerSpec(name, kind, kernel, stride, pads, in, out, a, addend);
    }

    /**
     * Number of input channels; for a fully connected layer its fan-in, the whole input read as one
     * vector ({@code H * W * C}: a layer over an unpooled map reads it flattened, see {@link #flattens}).
     */
    public int inChannels() {
        return kind == LayerKind.FC ? Math.toIntExact(in.size()) : in.c();
    }

    /**
     * Whether this is a fully connected layer over an H x W map bigger than 1x1, which it reads as one
     * vector in NHWC order (Keras's Flatten then Dense; TFLite's FULLY_CONNECTED on a 4-D tensor).
     */
    public boolean flattens() {
        return kind == LayerKind.FC && (in.h() != 1 || in.w() != 1);
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
            case FC -> new int[] {out.c(), inChannels()};
            default -> null;
        };
    }
}
