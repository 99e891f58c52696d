package org.mobilenet.io.onnx;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;

/**
 * Says what a well-formed ONNX graph is when the MobileNet import cannot take it: a model quantized
 * with QOperator operators the import does not rewrite, or a graph with an operator no
 * MobileNet import reads (an LSTM, say).
 * Asked only after the import failed, so that such a file is refused by what it is rather than by
 * where the chain stopped matching, or as malformed.
 */
final class UnsupportedOperators {
    /** Every operator some matcher of the import reads, shape helpers included. */
    static final Set<String> READ = Set.of("Conv", "Pad", "BatchNormalization", "Relu", "Clip", "Add",
            "GlobalAveragePool", "ReduceMean", "AveragePool", "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Gemm",
            "MatMul", "Softmax", "Sigmoid", "Transpose", "Identity", "Dropout", "Shape", "Gather", "Concat", "Cast", "Slice",
            "Constant", "ConstantOfShape", "QuantizeLinear", "DequantizeLinear", "QLinearConv", "QLinearMatMul",
            "QLinearAdd", "QLinearMul", "QLinearGlobalAveragePool", "QLinearAveragePool", "QGemm", "QLinearSoftmax",
            "QLinearSigmoid", "HardSwish", "HardSigmoid", "Mul", "ConvInteger", "MatMulInteger", "DynamicQuantizeLinear");
    /**
     * The integer operators of the QOperator format (ONNX Runtime's other way to store a quantized model,
     * and the ONNX model zoo's int8 files) that {@link QOperatorGraph} does not rewrite into QDQ.
     */
    private static final Set<String> QOPERATOR = Set.of("QLinearLeakyRelu", "QLinearConcat");

    private UnsupportedOperators() {
    }

    /**
     * What makes the graph unsupported, as a sentence about its first such node, or empty when
     * every operator is one the import reads (the graph is then refused for how they are arranged).
     * {@code where} is what the import said where it stopped (null if nothing useful): an unknown
     * operator's sentence ends with it, in parentheses, else with the operators the import reads.
     */
    static Optional<String> find(List<NodeProto> nodes, String where) {
        for (int i = 0; i < nodes.size(); i++) {
            if (QOPERATOR.contains(nodes.get(i).getOpType())) {
                return Optional.of("node " + i + " " + OnnxGraph.describe(nodes.get(i)) + " is " + nodes.get(i).getOpType()
                        + ": of the QOperator format's integer operators the import reads "
                        + String.join(", ", new TreeSet<>(QOperatorGraph.OPERATORS)) + " (and quantized models in the"
                        + " QDQ format, QuantizeLinear and DequantizeLinear around float operators)");
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            String op = nodes.get(i).getOpType();
            if (!READ.contains(op)) {
                return Optional.of("node " + i + " " + OnnxGraph.describe(nodes.get(i)) + " is " + op
                        + ", which a MobileNet import does not support (" + (where != null ? where
                                : "supported: " + String.join(", ", new TreeSet<>(READ))) + ")");
            }
        }
        return Optional.empty();
    }
}
