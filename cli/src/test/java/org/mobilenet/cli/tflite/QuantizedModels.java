package org.mobilenet.cli.tflite;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.ModelQuantization;
import org.mobilenet.engine.model.QuantParams;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.model.QuantizedTensor;
import org.mobilenet.engine.model.Tensor;
import org.mobilenet.engine.model.TensorNames;
import org.mobilenet.engine.run.Network;

/**
 * Quantized models built in code from a float model, the way post-training quantization does it:
 * activations calibrated on an input (each layer's output range, widened to hold 0; ReLU6 outputs
 * [0, 6]; the pooling keeps its input's quantization; softmax uint8 1/256), weights uint8 per tensor
 * (asymmetric, as Coral's) or int8 per output channel (symmetric), biases int32 at input scale x
 * weight scale. The float tensors are replaced by the dequantized integers, so the float engine runs
 * exactly the quantized parameters.
 */
public final class QuantizedModels {
    private QuantizedModels() {
    }

    /**
     * {@code float} quantized with {@code type} activations (UINT8: per-tensor weights; INT8:
     * per-channel weights), calibrated on {@code calibration} (NHWC, one image, in [-1, 1]).
     */
    public static Model quantize(Model floatModel, QuantType type, float[] calibration) {
        Model m = floatModel.foldBatchNorm();
        Map<String, float[]> ranges = new HashMap<>();
        Network.compile(m).forward(calibration, 1, (layer, out, batch) -> {
            float lo = 0;
            float hi = 0;
            for (float v : out) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            ranges.put(layer.name(), new float[] {lo, hi});
        });
        QuantParams input = activation(type, -1f, 1f);
        Map<String, QuantParams> outputs = new LinkedHashMap<>();
        Map<String, QuantizedTensor> qt = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        QuantParams prev = input;
        for (LayerSpec l : m.graph().layers()) {
            QuantParams out;
            if (l.kind() == LayerKind.SOFTMAX || l.kind() == LayerKind.SIGMOID) {
                out = type == QuantType.UINT8 ? QuantParams.perTensor(type, 1f / 256, 0)
                        : QuantParams.perTensor(type, 1f / 256, -128);
            } else if (l.kind() == LayerKind.AVG_POOL) {
                out = prev;
            } else if (l.activation() == Activation.RELU6) {
                out = activation(type, 0f, 6f);
            } else {
                float[] r = ranges.get(l.name());
                out = activation(type, r[0], Math.max(r[1], r[0] + 1e-3f));
            }
            outputs.put(l.name(), out);
            if (l.kind().hasWeights()) {
                String wn = TensorNames.weight(l.name());
                QuantizedTensor w = type == QuantType.UINT8 ? perTensorUint8(m.tensor(wn))
                        : perChannelInt8(m.tensor(wn));
                qt.put(wn, w);
                tensors.put(wn, w.dequantize());
                String bn = TensorNames.bias(l.name());
                if (m.has(bn)) {
                    QuantizedTensor b = bias(m.tensor(bn).data(), prev.scale(), w.quant());
                    qt.put(bn, b);
                    tensors.put(bn, b.dequantize());
                }
            }
            prev = out;
        }
        ModelQuantization q = new ModelQuantization(input, outputs, qt, true, true);
        return new Model(m.architecture(), tensors, m.bnEpsilon(), m.preprocessing(), m.labels(), m.metadata(), q);
    }

    /** Activation quantization of a range holding 0. */
    static QuantParams activation(QuantType type, float lo, float hi) {
        float scale = (hi - lo) / 255f;
        int zp = Math.round(-lo / scale) + type.min();
        return QuantParams.perTensor(type, scale, Math.max(type.min(), Math.min(type.max(), zp)));
    }

    static QuantizedTensor perTensorUint8(Tensor w) {
        float lo = 0;
        float hi = 0;
        for (float v : w.data()) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        QuantParams p = activation(QuantType.UINT8, lo, Math.max(hi, lo + 1e-6f));
        int[] q = new int[w.data().length];
        for (int i = 0; i < q.length; i++) {
            q[i] = p.quantize(w.data()[i]);
        }
        return new QuantizedTensor(w.shape(), q, p);
    }

    static QuantizedTensor perChannelInt8(Tensor w) {
        int channels = w.dim(0);
        int per = w.data().length / channels;
        float[] scales = new float[channels];
        int[] q = new int[w.data().length];
        for (int c = 0; c < channels; c++) {
            float max = 1e-6f;
            for (int i = 0; i < per; i++) {
                max = Math.max(max, Math.abs(w.data()[c * per + i]));
            }
            scales[c] = max / 127f;
            for (int i = 0; i < per; i++) {
                q[c * per + i] = Math.max(-127, Math.min(127, Math.round(w.data()[c * per + i] / scales[c])));
            }
        }
        return new QuantizedTensor(w.shape(), q, new QuantParams(QuantType.INT8, scales, new int[channels], 0));
    }

    static QuantizedTensor bias(float[] b, float inputScale, QuantParams weights) {
        int n = b.length;
        float[] scales = new float[n];
        int[] q = new int[n];
        for (int c = 0; c < n; c++) {
            scales[c] = inputScale * weights.scale(c);
            q[c] = (int) Math.round(b[c] / (double) scales[c]);
        }
        QuantParams p = weights.perChannel() ? new QuantParams(QuantType.INT32, scales, new int[n], 0)
                : QuantParams.perTensor(QuantType.INT32, scales[0], 0);
        return new QuantizedTensor(new int[] {n}, q, p);
    }
}
