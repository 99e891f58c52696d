package org.mobilenet.engine.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a quantized model's integers map to reals, beside its float tensors (which hold the same
 * parameters dequantized, so the float path runs any quantized model unchanged). The integer path
 * and the quantized writers read this.
 *
 * @param input           the quantization of the integers the integer path takes: the network's input
 *                        (after the file's own QUANTIZE operator, when it has one), or with
 *                        {@code inputSteps} what those steps start from
 * @param outputs         per layer name of the {@link org.mobilenet.engine.arch.LayerGraph}: the
 *                        quantization of that layer's output, after its activation (a softmax's
 *                        output is typically uint8 with scale 1/256)
 * @param tensors         per tensor name ({@link TensorNames}): weights (uint8 or int8, per tensor or
 *                        per channel along axis 0) and biases (int32, zero point 0, scale = input
 *                        scale x weight scale per channel), in the float tensors' layouts
 * @param quantizedInput  true when the file's input tensor itself is quantized (uint8 NHWC in Coral's
 *                        models); false when the file takes floats and quantizes them first
 * @param quantizedOutput true when the file's output is quantized; false when it ends in a DEQUANTIZE
 * @param fileInput       the quantization of the file's input when it differs from {@code input}: a
 *                        file that takes uint8 and requantizes it to its int8 network first (TFLite's
 *                        converter with {@code inference_input_type=uint8}); null when the file takes
 *                        {@code input} itself, or floats
 * @param fileOutput      likewise, the quantization of the file's output when the file requantizes its
 *                        last layer's output (to uint8) at the end; null otherwise
 * @param inputSteps      the file's own quantized input preprocessing before its first layer, in order
 *                        (empty: none); the first layer reads the last step's output
 *                        ({@link #networkInput()})
 */
public record ModelQuantization(QuantParams input, Map<String, QuantParams> outputs,
        Map<String, QuantizedTensor> tensors, boolean quantizedInput, boolean quantizedOutput,
        QuantParams fileInput, QuantParams fileOutput, java.util.List<InputStep> inputSteps) {
    /**
     * The model metadata key saying which operator pooled a quantized model in its file:
     * {@link #POOL_MEAN} or {@link #POOL_AVERAGE}. The runtimes compute them differently (the
     * integer path follows), so the importer records it.
     */
    public static final String POOL_KEY = "quantization.pool";
    /** A MEAN over H and W. */
    public static final String POOL_MEAN = "mean";
    /** An AVERAGE_POOL_2D over the whole map. */
    public static final String POOL_AVERAGE = "average_pool";

    public ModelQuantization {
        Objects.requireNonNull(input, "input");
        if (input.perChannel()) {
            throw new IllegalArgumentException("the input's quantization must be per tensor, got " + input.describe());
        }
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(outputs, "outputs")));
        inputSteps = inputSteps == null ? java.util.List.of() : java.util.List.copyOf(inputSteps);
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(tensors, "tensors")));
        outputs.forEach((layer, q) -> {
            if (q.perChannel()) {
                throw new IllegalArgumentException(layer + ": activations are quantized per tensor, got "
                        + q.describe());
            }
        });
        if (fileInput != null && (!quantizedInput || fileInput.perChannel() || fileInput.type() == QuantType.INT32)) {
            throw new IllegalArgumentException("a file input requantized to the network's must be an 8-bit tensor"
                    + " quantized per tensor, taken as integers, got " + fileInput.describe());
        }
        if (fileOutput != null && (!quantizedOutput || fileOutput.perChannel() || fileOutput.type() == QuantType.INT32)) {
            throw new IllegalArgumentException("a file output requantized from the network's must be an 8-bit tensor"
                    + " quantized per tensor, given as integers, got " + fileOutput.describe());
        }
    }

    /** A quantization without input steps. */
    public ModelQuantization(QuantParams input, Map<String, QuantParams> outputs, Map<String, QuantizedTensor> tensors,
            boolean quantizedInput, boolean quantizedOutput, QuantParams fileInput, QuantParams fileOutput) {
        this(input, outputs, tensors, quantizedInput, quantizedOutput, fileInput, fileOutput, java.util.List.of());
    }

    /** A quantization whose file takes and gives the network's own input and output (or floats). */
    public ModelQuantization(QuantParams input, Map<String, QuantParams> outputs, Map<String, QuantizedTensor> tensors,
            boolean quantizedInput, boolean quantizedOutput) {
        this(input, outputs, tensors, quantizedInput, quantizedOutput, null, null);
    }

    /** The quantization of the first layer's input: the last input step's output, else {@link #input}. */
    public QuantParams networkInput() {
        return inputSteps.isEmpty() ? input : inputSteps.get(inputSteps.size() - 1).output();
    }

    /** The quantization of the integers the file takes: {@link #fileInput}, else {@link #input}. */
    public QuantParams takes() {
        return fileInput != null ? fileInput : input;
    }

    /** The quantization of a layer's output. @throws IllegalArgumentException when there is none */
    public QuantParams output(String layer) {
        QuantParams q = outputs.get(layer);
        if (q == null) {
            throw new IllegalArgumentException("no quantization for the output of layer '" + layer + "'");
        }
        return q;
    }

    /**
     * The same quantization for a graph that keeps only some of these layers (e.g. one ending at the
     * logits, without its softmax): the other layers' outputs and tensors are dropped.
     */
    public ModelQuantization retainLayers(java.util.Set<String> layers) {
        Map<String, QuantParams> o = new LinkedHashMap<>(outputs);
        o.keySet().retainAll(layers);
        Map<String, QuantizedTensor> t = new LinkedHashMap<>(tensors);
        t.keySet().removeIf(name -> layers.stream().noneMatch(l -> name.equals(TensorNames.weight(l))
                || name.equals(TensorNames.bias(l))));
        // The file's requantized output was the last layer's: a graph ending elsewhere keeps the file's
        // output type (uint8 for an int8 network), at that layer's scale, its zero point shifted by 128.
        QuantParams out = null;
        if (fileOutput != null && !o.isEmpty()) {
            QuantParams last = null;
            for (QuantParams p : o.values()) {
                last = p;
            }
            if (last.type() != fileOutput.type() && last.type() != QuantType.INT32) {
                out = QuantParams.perTensor(fileOutput.type(), last.scale(),
                        last.zeroPoint() + (fileOutput.type() == QuantType.UINT8 ? 128 : -128));
            }
        }
        return new ModelQuantization(input, o, t, quantizedInput, quantizedOutput, fileInput, out, inputSteps);
    }

    /** A quantized parameter, or null when the model has none of that name. */
    public QuantizedTensor tensor(String name) {
        return tensors.get(name);
    }
}
