package org.mobilenet.io.onnx;

/**
 * Where the pattern matcher is in the graph: the value the chain has reached, its layout and the
 * per-image shape of that value (channels, height, width; {@code flat} once it is [N, C]).
 */
final class Cursor {
    String value;
    Layout layout;
    int c;
    int h;
    int w;
    boolean flat;
    /**
     * Set when a Flatten read an unpooled map: its {H, W, C} and the layout it had, which orders the
     * flat features (NCHW: channel-major, as PyTorch's flatten; NHWC: as Keras's). Null otherwise.
     */
    int[] flatMap;
    Layout flatOrder;
    /** Description of the last matched layer, for error messages. */
    String after = "the graph input";

    Cursor(String value, Layout layout, int c, int h, int w) {
        this.value = value;
        this.layout = layout;
        this.c = c;
        this.h = h;
        this.w = w;
    }

    String shape() {
        if (flat) {
            return "[N, " + c + "]";
        }
        return layout == Layout.NCHW ? "[N, " + c + ", " + h + ", " + w + "]" : "[N, " + h + ", " + w + ", " + c + "]";
    }
}
