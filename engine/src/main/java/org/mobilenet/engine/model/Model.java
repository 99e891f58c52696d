package org.mobilenet.engine.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;

/**
 * A MobileNet v1: an architecture plus its named float tensors (see {@link TensorNames} for names
 * and layouts), the BN epsilon, how images are preprocessed for it, optional class labels and free
 * metadata (producer, source format, ...). Immutable; the constructor checks that every tensor the
 * architecture needs is present with the right shape and that there are no others.
 */
public final class Model {
    /**
     * Metadata key naming the body's activation: {@code relu6} (the paper's, the default) or
     * {@code relu} (some PyTorch ports); the forward pass follows it.
     */
    public static final String ACTIVATION_KEY = "activation";

    private final ModelSpec spec;
    private final Map<String, Tensor> tensors;
    private final float bnEpsilon;
    private final Preprocessing preprocessing;
    private final List<String> labels;
    private final Map<String, String> metadata;

    public Model(ModelSpec spec, Map<String, Tensor> tensors, float bnEpsilon, Preprocessing preprocessing,
            List<String> labels, Map<String, String> metadata) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
        if (!(bnEpsilon >= 0) || !Float.isFinite(bnEpsilon)) {
            throw new IllegalArgumentException("BN epsilon must be finite and >= 0, got " + bnEpsilon);
        }
        this.bnEpsilon = bnEpsilon;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.labels = labels == null ? List.of() : List.copyOf(labels);
        this.metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        validate();
    }

    /** A model with no labels and no metadata. */
    public Model(ModelSpec spec, Map<String, Tensor> tensors, float bnEpsilon, Preprocessing preprocessing) {
        this(spec, tensors, bnEpsilon, preprocessing, List.of(), Map.of());
    }

    public ModelSpec spec() {
        return spec;
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("model has no tensor '" + name + "'");
        }
        return t;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    public float bnEpsilon() {
        return bnEpsilon;
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    public List<String> labels() {
        return labels;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** True when the body uses plain ReLU rather than ReLU6 ({@link #ACTIVATION_KEY} is {@code relu}). */
    public boolean plainRelu() {
        return "relu".equals(metadata.get(ACTIVATION_KEY));
    }

    /** True when any layer still carries an unfolded BatchNorm. */
    public boolean hasBatchNorm() {
        return spec.weightedLayers().stream().anyMatch(l -> tensors.containsKey(TensorNames.bnGamma(l.name())));
    }

    public Model withLabels(List<String> l) {
        return new Model(spec, tensors, bnEpsilon, preprocessing, l, metadata);
    }

    public Model withPreprocessing(Preprocessing p) {
        return new Model(spec, tensors, bnEpsilon, p, labels, metadata);
    }

    public Model withMetadata(Map<String, String> m) {
        return new Model(spec, tensors, bnEpsilon, preprocessing, labels, m);
    }

    /** The same model with a different spec of identical tensor shapes (e.g. another resolution). */
    public Model withSpec(ModelSpec s) {
        return new Model(s, tensors, bnEpsilon, preprocessing, labels, metadata);
    }

    /**
     * The same network with every BatchNorm folded into its conv: {@code w' = w * g / sqrt(var + eps)}
     * per output channel, {@code b' = (b - mean) * g / sqrt(var + eps) + beta}. Computed in double.
     */
    public Model foldBatchNorm() {
        if (!hasBatchNorm()) {
            return this;
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (LayerSpec l : spec.weightedLayers()) {
            String n = l.name();
            Tensor w = tensor(TensorNames.weight(n));
            Tensor b = tensors.get(TensorNames.bias(n));
            if (!tensors.containsKey(TensorNames.bnGamma(n))) {
                out.put(TensorNames.weight(n), w);
                if (b != null) {
                    out.put(TensorNames.bias(n), b);
                }
                continue;
            }
            float[] g = tensor(TensorNames.bnGamma(n)).data();
            float[] beta = tensor(TensorNames.bnBeta(n)).data();
            float[] mean = tensor(TensorNames.bnMean(n)).data();
            float[] var = tensor(TensorNames.bnVar(n)).data();
            int cout = l.outChannels();
            int per = w.data().length / cout;
            float[] fw = new float[w.data().length];
            float[] fb = new float[cout];
            for (int o = 0; o < cout; o++) {
                double scale = g[o] / Math.sqrt((double) var[o] + bnEpsilon);
                for (int i = 0; i < per; i++) {
                    fw[o * per + i] = (float) (w.data()[o * per + i] * scale);
                }
                double bias = b == null ? 0 : b.data()[o];
                fb[o] = (float) ((bias - mean[o]) * scale + beta[o]);
            }
            out.put(TensorNames.weight(n), new Tensor(w.shape(), fw));
            out.put(TensorNames.bias(n), new Tensor(new int[] {cout}, fb));
        }
        return new Model(spec, out, bnEpsilon, preprocessing, labels, metadata);
    }

    private void validate() {
        Set<String> expected = new HashSet<>();
        for (LayerSpec l : spec.weightedLayers()) {
            String n = l.name();
            expect(TensorNames.weight(n), l.weightShape());
            expected.add(TensorNames.weight(n));
            int cout = l.outChannels();
            if (tensors.containsKey(TensorNames.bias(n))) {
                expect(TensorNames.bias(n), cout);
                expected.add(TensorNames.bias(n));
            } else if (l.kind() == LayerKind.FC) {
                throw new IllegalArgumentException("missing tensor '" + TensorNames.bias(n) + "'");
            }
            String[] bn = TensorNames.bn(n);
            int present = 0;
            for (String b : bn) {
                if (tensors.containsKey(b)) {
                    present++;
                }
            }
            if (present != 0 && (present != bn.length || l.kind() == LayerKind.FC)) {
                throw new IllegalArgumentException(n + ": BatchNorm needs all of " + Arrays.toString(bn)
                        + " (or none), found " + present);
            }
            for (String b : present == 0 ? new String[0] : bn) {
                expect(b, cout);
                expected.add(b);
            }
        }
        for (String name : tensors.keySet()) {
            if (!expected.contains(name)) {
                throw new IllegalArgumentException("unexpected tensor '" + name + "' for " + spec);
            }
        }
    }

    private void expect(String name, int... shape) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("missing tensor '" + name + "' (expected shape "
                    + Arrays.toString(shape) + ") for " + spec);
        }
        if (!t.hasShape(shape)) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(shape));
        }
    }

    @Override
    public String toString() {
        return spec + ", " + tensors.size() + " tensors";
    }
}
