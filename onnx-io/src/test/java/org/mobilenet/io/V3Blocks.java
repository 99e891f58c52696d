package org.mobilenet.io;

import java.util.ArrayList;
import java.util.List;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;

/** MobileNet v3 blocks for the format tests: the layers each importer must read back. */
public final class V3Blocks {
    private V3Blocks() {
    }

    /**
     * A stem with hard-swish, a 5x5 depthwise conv (ReLU) with squeeze-and-excite (layers {@code se.*}:
     * pool, dense + ReLU, dense + hard-sigmoid, the scaling), a linear projection (with {@code residual},
     * added to the stem's output), pooling, a dense layer with hard-swish, the logits and a softmax.
     */
    public static LayerGraph block(Shape in, Padding padding, boolean residual, int classes) {
        List<LayerSpec> layers = new ArrayList<>();
        LayerSpec stem = LayerSpec.conv("stem", LayerKind.CONV, 3, 2, padding, in, 16, Activation.HARD_SWISH);
        layers.add(stem);
        LayerSpec dw = LayerSpec.conv("dw", LayerKind.DEPTHWISE, 5, 1, padding, stem.out(), 16, Activation.RELU);
        layers.add(dw);
        Shape pooled = new Shape(1, 1, 16);
        Shape squeezed = new Shape(1, 1, 8);
        layers.add(new LayerSpec("se.pool", LayerKind.AVG_POOL, dw.out().h(), 1, Pads.NONE, dw.out(), pooled));
        layers.add(new LayerSpec("se.fc1", LayerKind.FC, 1, 1, Pads.NONE, pooled, squeezed, Activation.RELU, null));
        layers.add(new LayerSpec("se.fc2", LayerKind.FC, 1, 1, Pads.NONE, squeezed, pooled, Activation.HARD_SIGMOID,
                null));
        layers.add(new LayerSpec("se.scale", LayerKind.SCALE, 1, 1, Pads.NONE, pooled, dw.out(), Activation.NONE, "dw"));
        LayerSpec project = LayerSpec.conv("project", LayerKind.POINTWISE, 1, 1, padding, dw.out(), 16,
                Activation.NONE);
        layers.add(project);
        if (residual) {
            layers.add(LayerSpec.add("add", project.out(), "stem"));
        }
        layers.add(new LayerSpec("pool", LayerKind.AVG_POOL, project.out().h(), 1, Pads.NONE, project.out(), pooled));
        Shape hidden = new Shape(1, 1, 24);
        Shape logits = new Shape(1, 1, classes);
        layers.add(new LayerSpec("fc1", LayerKind.FC, 1, 1, Pads.NONE, pooled, hidden, Activation.HARD_SWISH, null));
        layers.add(new LayerSpec("fc2", LayerKind.FC, 1, 1, Pads.NONE, hidden, logits, Activation.NONE, null));
        layers.add(new LayerSpec("softmax", LayerKind.SOFTMAX, 1, 1, Pads.NONE, logits, logits));
        return new LayerGraph("v3", in, layers);
    }
}
