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
}
