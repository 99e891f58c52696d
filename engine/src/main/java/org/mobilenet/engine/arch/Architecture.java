package org.mobilenet.engine.arch;

/**
 * Something that expands into a {@link LayerGraph}: a generator of the MobileNet family
 * ({@link ModelSpec} for v1, {@link MobileNetV2Spec} for v2), or a graph itself. The cost model and
 * {@code profile} work on any architecture through its graph.
 */
public interface Architecture {

    /** The layers, in order, with their shapes. */
    LayerGraph graph();

    /** One line for reports, e.g. {@code MobileNet v2 (alpha 1.0, 224x224, 1000 classes)}. */
    String describe();

    /** The family of the graph, {@code v1} or {@code v2} (the {@code --arch} value). */
    default String family() {
        return graph().family();
    }
}
