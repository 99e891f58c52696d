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
