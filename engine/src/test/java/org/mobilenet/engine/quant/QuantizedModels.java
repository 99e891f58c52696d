package org.mobilenet.engine.quant;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.ModelQuantization;
import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.model.QuantizedTensor;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.model.Tensor;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.engine.run.Network;

/**
 * Quantized models built in code for the integer path's tests: a seeded float model, BN folded,
 * calibrated on a seeded input (each layer's output range from a float pass), weights quantized
 * per tensor (uint8, asymmetric) or per channel (int8, symmetric), biases to int32.
 */
final class QuantizedModels {
    private QuantizedModels() {
    }

    /**
     * A small graph of odd sizes: a 3x3 stride-2 conv with asymmetric pads, depthwise convs (stride
     * 2, and stride 1 with asymmetric pads), pointwise convs, a residual add, global pooling, a fully
     * connected layer and softmax.
     */
    static LayerGraph oddGraph() {
        Shape in = new Shape(11, 9, 3);
        Shape a = new Shape(5, 4, 10);
        Shape b = new Shape(3, 2, 10);
        Shape c = new Shape(3, 2, 7);
        Shape d = new Shape(3, 2, 21);
        List<LayerSpec> layers = List.of(
                new LayerSpec("conv", LayerKind.CONV, 3, 2, new Pads(0, 1, 1, 0), in, a, Activation.RELU6, null),
                new LayerSpec("dw1", LayerKind.DEPTHWISE, 3, 2, new Pads(1, 1, 1, 1), a, b, Activation.RELU6, null),
                new LayerSpec("pw1", LayerKind.POINTWISE, 1, 1, Pads.NONE, b, c, Activation.NONE, null),
                new LayerSpec("pw2", LayerKind.POINTWISE, 1, 1, Pads.NONE, c, d, Activation.RELU6, null),
                new LayerSpec("dw2", LayerKind.DEPTHWISE, 3, 1, new Pads(1, 0, 1, 2), d, d, Activation.RELU, null),
                new LayerSpec("pw3", LayerKind.POINTWISE, 1, 1, Pads.NONE, d, c, Activation.NONE, null),
                new LayerSpec("add", LayerKind.ADD, 1, 1, Pads.NONE, c, c, Activation.NONE, "pw1"),
                new LayerSpec("pool", LayerKind.AVG_POOL, 3, 1, Pads.NONE, c, new Shape(1, 1, 7), Activation.NONE, null),
                new LayerSpec("fc", LayerKind.FC, 1, 1, Pads.NONE, new Shape(1, 1, 7), new Shape(1, 1, 5),
                        Activation.NONE, null),
                new LayerSpec("softmax", LayerKind.SOFTMAX, 1, 1, Pads.NONE, new Shape(1, 1, 5), new Shape(1, 1, 5),
                        Activation.NONE, null));
        return new LayerGraph("v2", in, layers);
    }

    /** The seeded graph quantized: uint8 per tensor, or int8 per channel. */
    static Model quantized(LayerGraph graph, long seed, QuantType type) {
        Model f = SeededInit.create(graph, seed).foldBatchNorm();
        Shape s = graph.input();
        int n = s.h() * s.w() * s.c();
        float[] x = SeededInit.uniform(new SplittableRandom(seed + 1), n, 1f);
        // Input: reals in [-1, 1) as uint8 scale 1/128 zero point 128 (int8: zero point 0).
        QuantParams input = QuantParams.perTensor(type, 1f / 128, type == QuantType.UINT8 ? 128 : 0);
        for (int i = 0; i < n; i++) {
            x[i] = input.dequantize(input.quantize(x[i]), 0);
        }
        Map<String, float[]> ranges = new LinkedHashMap<>();
        try (Network net = Network.compile(f)) {
            net.forward(x, 1, (layer, out, batch) -> {
                float lo = 0;
                float hi = 0;
                for (float v : out) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                ranges.put(layer.name(), new float[] {lo, hi});
            });
        }
        Map<String, QuantParams> outputs = new LinkedHashMap<>();
        Map<String, QuantizedTensor> tensors = new LinkedHashMap<>();
        QuantParams prev = input;
        for (LayerSpec l : graph.layers()) {
            QuantParams out;
            if (l.kind() == LayerKind.SOFTMAX) {
                out = QuantParams.perTensor(type, 1f / 256, type.min());
            } else if (l.kind() == LayerKind.AVG_POOL) {
                out = prev;
            } else {
                // Twice the calibration range: other inputs stay inside it.
                float[] r = ranges.get(l.name());
                r = new float[] {2 * r[0], 2 * r[1]};
                float scale = Math.max((r[1] - r[0]) / 255f, 1e-3f);
                int zero = (int) Math.round(-r[0] / scale) + type.min();
                out = QuantParams.perTensor(type, scale, Math.max(type.min(), Math.min(type.max(), zero)));
            }
            if (l.kind().hasWeights()) {
                String wn = TensorNames.weight(l.name());
                Tensor w = f.tensor(wn);
                QuantizedTensor qw = type == QuantType.UINT8 ? perTensorUint8(w) : perChannelInt8(w);
                tensors.put(wn, qw);
                String bn = TensorNames.bias(l.name());
                float[] bias = f.tensor(bn).data();
                int[] qb = new int[bias.length];
                float[] bs = new float[qw.quant().channels()];
                for (int c = 0; c < bs.length; c++) {
                    bs[c] = prev.scale() * qw.quant().scale(c);
                }
                for (int c = 0; c < bias.length; c++) {
                    qb[c] = Math.round(bias[c] / bs[bs.length == 1 ? 0 : c]);
                }
                tensors.put(bn, new QuantizedTensor(new int[] {bias.length}, qb,
                        new QuantParams(QuantType.INT32, bs, new int[bs.length], bs.length == 1 ? -1 : 0)));
            }
            outputs.put(l.name(), out);
            prev = out;
        }
        // The float tensors hold the dequantized parameters, as an imported quantized model's do.
        Map<String, Tensor> floats = new LinkedHashMap<>(f.tensors());
        tensors.forEach((name, q) -> floats.put(name, q.dequantize()));
        return new Model(f.architecture(), floats, f.bnEpsilon(), f.preprocessing(), f.labels(), f.metadata(),
                new ModelQuantization(input, outputs, tensors, true, true));
    }

    private static QuantizedTensor perTensorUint8(Tensor w) {
        float lo = 0;
        float hi = 0;
        for (float v : w.data()) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        QuantParams q = QuantParams.perTensor(QuantType.UINT8, (hi - lo) / 255f, Math.round(-lo / ((hi - lo) / 255f)));
        float[] d = w.data();
        int[] v = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            v[i] = q.quantize(d[i]);
        }
        return new QuantizedTensor(w.shape(), v, q);
    }

    private static QuantizedTensor perChannelInt8(Tensor w) {
        int[] shape = w.shape();
        int channels = shape[0];
        float[] d = w.data();
        int inner = d.length / channels;
        float[] scales = new float[channels];
        int[] v = new int[d.length];
        for (int c = 0; c < channels; c++) {
            float m = 1e-6f;
            for (int i = 0; i < inner; i++) {
                m = Math.max(m, Math.abs(d[c * inner + i]));
            }
            scales[c] = m / 127f;
            QuantParams one = QuantParams.perTensor(QuantType.INT8, scales[c], 0);
            for (int i = 0; i < inner; i++) {
                v[c * inner + i] = Math.max(-127, one.quantize(d[c * inner + i]));
            }
        }
        return new QuantizedTensor(shape, v, new QuantParams(QuantType.INT8, scales, new int[channels], 0));
    }

    /** A seeded input of the model's input type. */
    static int[] input(QuantizedNetwork net, int batch, long seed) {
        Shape s = net.inputShape();
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] x = new int[s.h() * s.w() * s.c() * batch];
        QuantType t = net.input().type();
        for (int i = 0; i < x.length; i++) {
            x[i] = t.min() + rnd.nextInt(256);
        }
        return x;
    }
}
