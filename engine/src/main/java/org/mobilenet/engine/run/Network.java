package org.mobilenet.engine.run;

import java.util.ArrayList;
import java.util.List;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.kernels.Activation;
import org.mobilenet.engine.kernels.ConvShape;
import org.mobilenet.engine.kernels.Kernels;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.TensorNames;

/**
 * A model compiled for inference: BatchNorm folded, weights in the kernels' layouts, activation
 * buffers reused across calls. Input {@code [n, R, R, 3]} NHWC; output {@code [n, outputSize()]}.
 * Not thread-safe: use one Network per thread.
 */
public final class Network {
    private final ModelSpec spec;
    private final Kernels kernels;
    private final List<Step> steps;
    private final int maxActivation;
    private float[] bufA = new float[0];
    private float[] bufB = new float[0];

    private record Step(LayerSpec layer, float[] weights, float[] bias) {
    }

    private Network(ModelSpec spec, Kernels kernels, List<Step> steps) {
        this.spec = spec;
        this.kernels = kernels;
        this.steps = steps;
        int max = spec.resolution() * spec.resolution() * 3;
        for (Step s : steps) {
            max = (int) Math.max(max, s.layer.out().size());
        }
        this.maxActivation = max;
    }

    /** Compiles a model with the default kernels ({@link KernelChoice#defaultKernels()}). */
    public static Network compile(Model model) {
        return compile(model, KernelChoice.defaultKernels());
    }

    /** Compiles a model with the given kernels. */
    public static Network compile(Model model, Kernels kernels) {
        Model folded = model.foldBatchNorm();
        List<Step> steps = new ArrayList<>();
        for (LayerSpec l : folded.spec().layers()) {
            float[] w = null;
            float[] b = null;
            if (l.kind().hasWeights()) {
                w = toKernelLayout(l, folded.tensor(TensorNames.weight(l.name())).data());
                b = folded.has(TensorNames.bias(l.name())) ? folded.tensor(TensorNames.bias(l.name())).data().clone() : null;
            }
            steps.add(new Step(l, w, b));
        }
        return new Network(folded.spec(), kernels, List.copyOf(steps));
    }

    public ModelSpec spec() {
        return spec;
    }

    public Kernels kernels() {
        return kernels;
    }

    /** Values per image in the output: classes, or the feature width of a headless model. */
    public int outputSize() {
        return spec.outputSize();
    }

    /** Values per image in the input: R * R * 3. */
    public int inputSize() {
        return spec.resolution() * spec.resolution() * 3;
    }

    /** Runs a batch. input {@code [n, R, R, 3]} NHWC; returns {@code [n, outputSize()]}. */
    public float[] forward(float[] input, int n) {
        return forward(input, n, null);
    }

    /** Runs a batch, telling {@code observer} (may be null) each layer's output. */
    public float[] forward(float[] input, int n, LayerObserver observer) {
        if (n < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + n);
        }
        if (input.length != (long) n * inputSize()) {
            throw new IllegalArgumentException("input for a batch of " + n + " at " + spec.resolution() + "x"
                    + spec.resolution() + "x3 needs " + (long) n * inputSize() + " values, got " + input.length);
        }
        long need = (long) n * maxActivation;
        if (need > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batch of " + n + " is too large for this resolution");
        }
        if (bufA.length < need) {
            bufA = new float[(int) need];
            bufB = new float[(int) need];
        }
        float[] cur = input;
        float[] next = bufA;
        for (Step s : steps) {
            run(s, cur, n, next);
            if (observer != null) {
                observer.onLayer(s.layer, next, n);
            }
            cur = next;
            next = cur == bufA ? bufB : bufA;
        }
        float[] result = new float[n * outputSize()];
        System.arraycopy(cur, 0, result, 0, result.length);
        return result;
    }

    private void run(Step s, float[] in, int n, float[] out) {
        LayerSpec l = s.layer;
        switch (l.kind()) {
            case CONV -> kernels.conv(in, n, shape(l), s.weights, s.bias, Activation.RELU6, out);
            case DEPTHWISE -> kernels.depthwise(in, n, shape(l), s.weights, s.bias, Activation.RELU6, out);
            case POINTWISE -> kernels.pointwise(in, n * l.in().h() * l.in().w(), l.inChannels(), l.outChannels(),
                    s.weights, s.bias, Activation.RELU6, out);
            case AVG_POOL -> kernels.averagePool(in, n, l.in().h(), l.in().w(), l.inChannels(), out);
            case FC -> kernels.fullyConnected(in, n, l.inChannels(), l.outChannels(), s.weights, s.bias, out);
            case SOFTMAX -> kernels.softmax(in, n, l.outChannels(), out);
        }
    }

    private static ConvShape shape(LayerSpec l) {
        return new ConvShape(l.in().h(), l.in().w(), l.inChannels(), l.outChannels(), l.kernel(), l.stride(), l.pads());
    }

    /**
     * Reorders a weight tensor from the model's PyTorch layout to the kernel layout: conv OIHW to
     * HWIO, depthwise {@code [C,1,k,k]} to {@code [k,k,C]}, pointwise and FC {@code [O,I]} to {@code [I,O]}.
     */
    static float[] toKernelLayout(LayerSpec l, float[] src) {
        int o = l.outChannels();
        int i = l.kind() == LayerKind.DEPTHWISE ? 1 : l.inChannels();
        int k = l.kind() == LayerKind.FC ? 1 : l.kernel();
        float[] dst = new float[src.length];
        for (int oc = 0; oc < o; oc++) {
            for (int ic = 0; ic < i; ic++) {
                for (int ky = 0; ky < k; ky++) {
                    for (int kx = 0; kx < k; kx++) {
                        float v = src[((oc * i + ic) * k + ky) * k + kx];
                        dst[((ky * k + kx) * i + ic) * o + oc] = v;
                    }
                }
            }
        }
        return dst;
    }
}
