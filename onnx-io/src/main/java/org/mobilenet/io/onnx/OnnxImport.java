package org.mobilenet.io.onnx;

import java.util.List;
import java.util.Map;
import org.mobilenet.engine.model.Model;

/**
 * The result of importing an ONNX MobileNet: the engine model and what the ONNX file says about
 * itself, including which ONNX value holds each engine layer's output (for per-layer comparison).
 *
 * @param model        the engine model (tensors in PyTorch layout)
 * @param opset        default-domain opset
 * @param irVersion    ONNX IR version
 * @param producer     producer name and version, e.g. "pytorch 2.1"
 * @param inputName    the image input
 * @param inputLayout  NCHW or NHWC as the graph takes it
 * @param inputDims    the input dims as written (symbolic ones by name)
 * @param outputName   the graph output at the end of the chain
 * @param layerValues  engine layer name (conv1, blocks.0.dw, ..., pool, fc, softmax) to ONNX value;
 *                     conv and add layer values are NCHW, pool/fc/softmax values hold C values per image
 * @param activation   "relu6" or "relu" (what a MobileNet v1 graph applies after each conv), or
 *                     "per-layer" for a graph whose layers carry their own (v2, generic graphs)
 */
public record OnnxImport(Model model, int opset, long irVersion, String producer, String inputName,
        Layout inputLayout, List<String> inputDims, String outputName, Map<String, String> layerValues,
        String activation) {
    /**
     * Model metadata key: the graph outputs besides the one the model gives (values of its own layers,
     * as every node belongs to the chain: a layer-outputs export, a feature map listed beside the
     * probabilities), which the import does not keep as outputs; absent when there are none.
     */
    public static final String OTHER_OUTPUTS = "onnx.other_outputs";

    /**
     * Model metadata key: present when the file leaves the input's height or width symbolic (a graph
     * exported for any image size), holding the {@code HxW} the import took ({@link OnnxImporter#DEFAULT_SIZE}
     * unless asked otherwise, as {@code --input-size} does).
     */
    public static final String DYNAMIC_INPUT = "onnx.dynamic_input";

    /**
     * Model metadata key, {@code "true"} when the graph computes in float16 (most of its float
     * initializers are float16: a model converted to half precision): ONNX Runtime then runs it in half
     * precision, while the engine computes in float32 with the same (widened) weights.
     */
    public static final String FLOAT16 = "onnx.float16";

    /**
     * Model metadata key, {@code "true"} when the file is quantized dynamically (ONNX Runtime's
     * {@code quantize_dynamic}: 8-bit weights, activations quantized at run time), which the import read
     * as the float model it approximates ({@link DynamicQuantGraph}).
     */
    public static final String DYNAMIC_QUANTIZATION = "onnx.dynamic_quantization";
}
