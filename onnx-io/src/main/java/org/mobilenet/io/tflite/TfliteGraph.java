package org.mobilenet.io.tflite;

import java.util.List;
import org.mobilenet.engine.arch.LayerGraph;

/**
 * A TFLite subgraph mapped onto the engine's layers: the {@link LayerGraph} (layers named
 * {@code layers.0}, {@code layers.1}, ... until the importer recognizes the architecture), each
 * weighted layer's float weights already in the engine's PyTorch layout, and the operator each
 * layer came from.
 *
 * @param input  the graph's input tensor ({@code [1, H, W, 3]})
 * @param graph  the layers, in execution order
 * @param layers per layer of {@code graph}, in the same order, where it came from and its weights
 */
record TfliteGraph(TfliteTensor input, LayerGraph graph, List<Layer> layers) {

    /**
     * One layer's origin and weights.
     *
     * @param op     the operator it came from
     * @param weight in the layer's {@link org.mobilenet.engine.arch.LayerSpec#weightShape()} order
     *               (conv {@code [Cout, Cin, K, K]}, depthwise {@code [C, 1, K, K]}, fc
     *               {@code [classes, C]}), or null for a layer without weights
     * @param bias   {@code [Cout]}, or null when the op has none (a classifier always gets one, zeros
     *               when the op has none)
     */
    record Layer(int op, float[] weight, float[] bias) {
    }
}
