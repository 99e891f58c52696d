package org.mobilenet.engine.arch;

/** Zero padding on the four sides of a feature map, in pixels. */
public record Pads(int top, int left, int bottom, int right) {
    public static final Pads NONE = new Pads(0, 0, 0, 0);

    public Pads {
        if (top < 0 || left < 0 || bottom < 0 || right < 0) {
            throw new IllegalArgumentException("pads must be >= 0, got " + this);
        }
    }

    // Written out, as in Shape: a record's generated equals is bootstrapped through method handles on
    // first use, which a cold model import pays.
    @Override
    public boolean equals(Object o) {
        return o instanceof Pads p && p.top == top && p.left == left && p.bottom == bottom && p.right == right;
    }

    @Override
    public int hashCode() {
        return ((top * 31 + left) * 31 + bottom) * 31 + right;
    }

    @Override
    public String toString() {
        return "[" + top + ", " + left + ", " + bottom + ", " + right + "]";
    }
}
