package org.mobilenet.io.onnx;

/**
 * How a model is written to ONNX.
 *
 * @param opset              default-domain opset, 11 to 21 (13 by default)
 * @param softmax            keep the model's Softmax over the classes (on by default); off writes the logits.
 *                           A model without a softmax (or a classifier) never gets one
 * @param exposeLayerOutputs also list every layer's output (named after the layer) as a graph output,
 *                           for per-layer comparison
 */
public record OnnxExportOptions(int opset, boolean softmax, boolean exposeLayerOutputs) {
    public static final int MIN_OPSET = 11;
    public static final int MAX_OPSET = 21;
    public static final int DEFAULT_OPSET = 13;

    public OnnxExportOptions {
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new IllegalArgumentException("opset must be between " + MIN_OPSET + " and " + MAX_OPSET + ", got " + opset);
        }
    }

    public static OnnxExportOptions defaults() {
        return new OnnxExportOptions(DEFAULT_OPSET, true, false);
    }

    public OnnxExportOptions withOpset(int o) {
        return new OnnxExportOptions(o, softmax, exposeLayerOutputs);
    }

    public OnnxExportOptions withSoftmax(boolean s) {
        return new OnnxExportOptions(opset, s, exposeLayerOutputs);
    }

    public OnnxExportOptions withLayerOutputs(boolean e) {
        return new OnnxExportOptions(opset, softmax, e);
    }

    /** The IR version that goes with the opset (the lowest one that allows it). */
    public long irVersion() {
        if (opset <= 11) {
            return 6;
        }
        if (opset <= 14) {
            return 7;
        }
        if (opset <= 18) {
            return 8;
        }
        if (opset <= 20) {
            return 9;
        }
        return 10;
    }
}
