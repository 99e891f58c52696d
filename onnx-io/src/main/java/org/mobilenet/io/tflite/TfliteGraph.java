package org.mobilenet.io.tflite;

import java.util.List;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;

/**
 * A TFLite graph recognised as a linear MobileNet body: its convolutions with weights already in the
 * engine's PyTorch layouts, the optional classifier and whether it ends with a softmax.
 *
 * @param input      the graph's input tensor ({@code [1, H, W, 3]})
 * @param resolution input height and width
 * @param convs      the body convolutions in order (stem, then depthwise/pointwise or full convs)
 * @param classifier the classifier, or null for a headless body
 * @param softmax    whether a SOFTMAX follows the classifier
 */
record TfliteGraph(TfliteTensor input, int resolution, List<Conv> convs, Classifier classifier, boolean softmax) {

    /**
     * One body convolution.
     *
     * @param kind   CONV, DEPTHWISE or POINTWISE
     * @param weight shape line: conv {@code [Cout, Cin, K, K]}, depthwise {@code [C, 1, K, K]}
     * @param bias   {@code [Cout]}, or null when the op has none
     */
    record Conv(int op, LayerKind kind, int kernel, int stride, Pads pads, Shape in, Shape out, float[] weight,
            float[] bias) {
    }

    /**
     * The classifier: a FULLY_CONNECTED or a 1x1 CONV_2D on the pooled features.
     *
     * @param weight shape line: {@code [classes, C]}
     * @param bias   {@code [classes]}, zeros when the op has none
     */
    record Classifier(int op, int classes, int features, float[] weight, float[] bias) {
    }
}
