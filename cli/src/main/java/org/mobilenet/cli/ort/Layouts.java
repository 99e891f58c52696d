package org.mobilenet.cli.ort;

/** Moves image batches between the engine's NHWC layout and the NCHW most ONNX graphs take. */
public final class Layouts {
    private Layouts() {
    }

    /** Shape: {@code [n, h, w, c]} to {@code [n, c, h, w]}. */
    public static float[] toNchw(float[] nhwc, int n, int h, int w, int c) {
        float[] out = new float[n * c * h * w];
        for (int b = 0; b < n; b++) {
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    int src = ((b * h + y) * w + xx) * c;
                    for (int ch = 0; ch < c; ch++) {
                        out[((b * c + ch) * h + y) * w + xx] = nhwc[src + ch];
                    }
                }
            }
        }
        return out;
    }

    /** Shape: {@code [n, c, h, w]} to {@code [n, h, w, c]}; the inverse of {@link #toNchw}. */
    public static float[] toNhwc(float[] nchw, int n, int h, int w, int c) {
        float[] out = new float[n * h * w * c];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < h * w; p++) {
                    out[(b * h * w + p) * c + ch] = nchw[(b * c + ch) * h * w + p];
                }
            }
        }
        return out;
    }

    /** {@link #toNhwc(float[], int, int, int, int)} for integers (a quantized input). */
    public static int[] toNhwc(int[] nchw, int n, int h, int w, int c) {
        int[] out = new int[n * h * w * c];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < h * w; p++) {
                    out[(b * h * w + p) * c + ch] = nchw[(b * c + ch) * h * w + p];
                }
            }
        }
        return out;
    }
}
