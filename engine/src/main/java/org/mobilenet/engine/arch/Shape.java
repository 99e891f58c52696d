package org.mobilenet.engine.arch;

/** The shape of one image's feature map: height, width, channels (channels-last). */
public record Shape(int h, int w, int c) {
    public Shape {
        if (h < 1 || w < 1 || c < 1) {
            throw new IllegalArgumentException("feature map dimensions must be >= 1, got " + h + "x" + w + "x" + c);
        }
    }

    public long size() {
        return (long) h * w * c;
    }

    @Override
    public String toString() {
        return h + "x" + w + "x" + c;
    }

    // equals and hashCode written out: a record's generated ones are bootstrapped through
    // method handles on first use, which costs a cold command (model import compares shapes) ~20 ms.
    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && s.h == h && s.w == w && s.c == c;
    }

    @Override
    public int hashCode() {
        return (h * 31 + w) * 31 + c;
    }
}
