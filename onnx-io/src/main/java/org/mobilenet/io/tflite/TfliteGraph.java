package org.mobilenet.io.tflite;

import java.util.List;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.model.QuantizedTensor;
import org.mobilenet.io.InputRescale;

/**
 * A TFLite subgraph mapped onto the engine's layers: the {@link LayerGraph} (layers named
 * {@code layers.0}, {@code layers.1}, ... until the importer recognizes the architecture), each
 * weighted layer's float weights already in the engine's PyTorch layout, and the operator each
 * layer came from.
 *
 * @param input  the graph's input tensor ({@code [1, H, W, 3]})
 * @param graph  the layers, in execution order
 * @param layers per layer of {@code graph}, in the same order, where it came from and its weights
 * @param quantized the output of the QUANTIZE operator that quantizes a float input (TFLite's
 *               converter writes one for int8 post-training quantization), or null when there is none
 * @param rescale the input preprocessing the graph does itself before its first layer (MUL, ADD, SUB
 *               and DIV operators with a constant: a Keras Rescaling layer or {@code preprocess_input} in
 *               the model), or null when it has none
 * @param rescaleOps the operators of {@code rescale}, in order (empty when there is none), for the
 *               integer form of a quantized file's
 */
record TfliteGraph(TfliteTensor input, LayerGraph graph, List<Layer> layers, TfliteTensor quantized,
        InputRescale rescale, List<RescaleOp> rescaleOps) {

    /**
     * One operator of the graph's own input preprocessing.
     *
     * @param code       its builtin operator (MUL, ADD, SUB or DIV)
     * @param constant   its constant operand
     * @param values     that constant's stored integers when it is quantized (8-bit), else null
     * @param inputFirst whether the chain's tensor is its first operand
     * @param output     its output tensor
     */
    record RescaleOp(int code, TfliteTensor constant, int[] values, boolean inputFirst, TfliteTensor output) {
    }

    /**
     * One layer's origin and weights.
     *
     * @param op     the operator it came from
     * @param weight in the layer's {@link org.mobilenet.engine.arch.LayerSpec#weightShape()} order
     *               (conv {@code [Cout, Cin, K, K]}, depthwise {@code [C, 1, K, K]}, fc
     *               {@code [classes, C]}), or null for a layer without weights
     * @param bias   {@code [Cout]}, or null when the op has none (a classifier always gets one, zeros
     *               when the op has none)
     * @param qWeight the weights' stored integers in the same layout, or null when they are float
     * @param qBias   the int32 bias, or null when it is float or absent
     * @param output  the tensor holding the layer's output after its activation (a separate RELU
     *                operator's output when the activation came from one)
     */
    record Layer(int op, float[] weight, float[] bias, QuantizedTensor qWeight, QuantizedTensor qBias,
            TfliteTensor output) {
        Layer withOutput(TfliteTensor out) {
            return new Layer(op, weight, bias, qWeight, qBias, out);
        }
    }
}
