package org.mobilenet.engine.quant;

import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.preprocess.BilinearResize;
import org.mobilenet.engine.preprocess.RgbImage;

/**
 * An image as a quantized model's input tensor: resized as TFLite's legacy bilinear does it
 * ({@link BilinearResize}), each value rounded to the nearest integer, half to even as NumPy's
 * {@code np.round} does (ties are common: a lerp halfway between two pixels), NHWC RGB; uint8
 * inputs take the pixels as they are, int8 inputs {@code pixel - 128} (what an int8 model's
 * {@code (pixel - 128) / 128} normalization with scale 1/128 and zero point 0 means).
 */
public final class QuantizedInput {
    private QuantizedInput() {
    }

    /** The {@code [height, width, 3]} input of one image. */
    public static int[] of(RgbImage img, int height, int width, QuantType type) {
        float[] px = BilinearResize.resize(img, width, height);
        int offset = type == QuantType.INT8 ? -128 : 0;
        if (type == QuantType.INT32) {
            throw new IllegalArgumentException("images are uint8 or int8 inputs, not int32");
        }
        int[] out = new int[px.length];
        for (int i = 0; i < px.length; i++) {
            out[i] = (int) Math.min(255, Math.max(0, Math.rint(px[i]))) + offset;
        }
        return out;
    }
}
