package org.mobilenet.engine.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.mobilenet.engine.arch.Architecture;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;

/**
 * Deterministic weights for an architecture (MobileNet v1 or v2, or any layer graph), for tests and
 * benchmarks when no trained weights are given. He-uniform conv and FC weights and unfolded BatchNorm with statistics near the identity,
 * so activations stay in a realistic range through all layers. The same seed always gives the same
 * model, on any machine.
 */
public final class SeededInit {
    /** The BN epsilon of the seeded models (TensorFlow's MobileNet value). */
    public static final float BN_EPSILON = 1e-3f;

    private SeededInit() {
    }

    public static Model create(Architecture spec, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (LayerSpec l : spec.graph().weightedLayers()) {
            int[] shape = l.weightShape();
            int fanIn = l.kind() == LayerKind.FC ? l.inChannels()
                    : (l.kind() == LayerKind.DEPTHWISE ? 1 : l.inChannels()) * l.kernel() * l.kernel();
            float limit = (float) Math.sqrt(6.0 / fanIn);
            t.put(TensorNames.weight(l.name()), new Tensor(shape, uniform(rnd, (int) Tensor.elementCount(shape), limit)));
            int c = l.outChannels();
            if (l.kind() == LayerKind.FC) {
                t.put(TensorNames.bias(l.name()), new Tensor(new int[] {c}, uniform(rnd, c, 0.1f)));
                continue;
            }
            float[] gamma = new float[c];
            float[] beta = new float[c];
            float[] mean = new float[c];
            float[] var = new float[c];
            for (int i = 0; i < c; i++) {
                gamma[i] = (float) (0.5 + 0.5 * rnd.nextDouble());
                beta[i] = (float) (0.1 + 0.4 * rnd.nextDouble());
                mean[i] = (float) (0.2 * (rnd.nextDouble() - 0.5));
                var[i] = (float) (0.5 + rnd.nextDouble());
            }
            t.put(TensorNames.bnGamma(l.name()), new Tensor(new int[] {c}, gamma));
            t.put(TensorNames.bnBeta(l.name()), new Tensor(new int[] {c}, beta));
            t.put(TensorNames.bnMean(l.name()), new Tensor(new int[] {c}, mean));
            t.put(TensorNames.bnVar(l.name()), new Tensor(new int[] {c}, var));
        }
        return new Model(spec, t, BN_EPSILON, Preprocessing.tensorflow());
    }

    /** Seeded uniform values in [-limit, limit). */
    public static float[] uniform(SplittableRandom rnd, int n, float limit) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((rnd.nextDouble() * 2 - 1) * limit);
        }
        return v;
    }
}
