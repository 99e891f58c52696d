package org.mobilenet.engine.cost;

import org.mobilenet.engine.arch.LayerSpec;

/**
 * The rows of the paper's Table 2, resources by layer type, and a row for v2's residual adds (no
 * Mult-Adds, no params: the row says how many there are and that they cost nothing by this count).
 */
public enum LayerType {
    CONV_1X1("conv1x1", "Conv 1x1"),
    DW_3X3("dw3x3", "Conv DW 3x3"),
    CONV_3X3("conv3x3", "Conv 3x3"),
    FC("fc", "Fully Connected"),
    ADD("add", "Residual Add"),
    /** MobileNet v3's squeeze-and-excite scaling: a multiply per value of the map. */
    SCALE("scale", "SE Scale");

    private final String id;
    private final String title;

    LayerType(String id, String title) {
        this.id = id;
        this.title = title;
    }

    /** The key in JSON ({@code byType}). */
    public String id() {
        return id;
    }

    /** The row title of Table 2. */
    public String title() {
        return title;
    }

    /** The type a layer counts under, or null for layers without cost (pooling, softmax, sigmoid). */
    public static LayerType of(LayerSpec l) {
        return switch (l.kind()) {
            case POINTWISE -> CONV_1X1;
            case DEPTHWISE -> DW_3X3;
            case CONV -> l.kernel() == 1 ? CONV_1X1 : CONV_3X3;
            case FC -> FC;
            case ADD -> ADD;
            case SCALE -> SCALE;
            case AVG_POOL, SOFTMAX, SIGMOID -> null;
        };
    }
}
