package org.mobilenet.engine.arch;

/** Zero padding on the four sides of a feature map, in pixels. */
public record Pads(int top, int left, int bottom, int right) {
    public static final Pads NONE = new Pads(0, 0, 0, 0);

    public Pads {
        if (top < 0 || left < 0 || bottom < 0 || right < 0) {
            throw new IllegalArgumentException("pads must be >= 0, got " + this);
        }
    }

    @Override
    public String toString() {
        return "[" + top + ", " + left + ", " + bottom + ", " + right + "]";
    }
}
