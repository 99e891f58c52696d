package org.mobilenet.engine.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * Affine quantization of one tensor: {@code real = scale * (q - zeroPoint)} with {@code q} of
 * {@link #type()}. Per tensor (one scale and zero point, {@code axis == -1}) or per channel along
 * {@code axis} (one scale and zero point per index of that dimension), as TFLite and ONNX define it.
 */
public record QuantParams(QuantType type, float[] scales, int[] zeroPoints, int axis) {
    public QuantParams {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(scales, "scales");
        Objects.requireNonNull(zeroPoints, "zeroPoints");
        scales = scales.clone();
        zeroPoints = zeroPoints.clone();
        if (scales.length == 0 || scales.length != zeroPoints.length) {
            throw new IllegalArgumentException("quantization needs as many zero points as scales (at least one), got "
                    + scales.length + " scales and " + zeroPoints.length + " zero points");
        }
        for (float s : scales) {
            if (!(s > 0) || !Float.isFinite(s)) {
                throw new IllegalArgumentException("quantization scales must be finite and > 0, got " + s);
            }
        }
        for (int z : zeroPoints) {
            if (!type.holds(z)) {
                throw new IllegalArgumentException("zero point " + z + " is outside " + type.id() + "'s range");
            }
        }
        if (scales.length == 1 ? axis != -1 && axis < 0 : axis < 0) {
            throw new IllegalArgumentException("per-channel quantization needs an axis >= 0, got " + axis);
        }
    }

    /** Per-tensor quantization. */
    public static QuantParams perTensor(QuantType type, float scale, int zeroPoint) {
        return new QuantParams(type, new float[] {scale}, new int[] {zeroPoint}, -1);
    }

    /** True when the scales are per channel ({@code axis >= 0}). */
    public boolean perChannel() {
        return axis >= 0;
    }

    /** Number of channels with their own scale (1 per tensor). */
    public int channels() {
        return scales.length;
    }

    @Override
    public float[] scales() {
        return scales.clone();
    }

    @Override
    public int[] zeroPoints() {
        return zeroPoints.clone();
    }

    /** The scale of a channel (the only scale when per tensor). */
    public float scale(int channel) {
        return scales[scales.length == 1 ? 0 : channel];
    }

    /** The zero point of a channel (the only one when per tensor). */
    public int zeroPoint(int channel) {
        return zeroPoints[zeroPoints.length == 1 ? 0 : channel];
    }

    /** The per-tensor scale. @throws IllegalStateException when per channel */
    public float scale() {
        requirePerTensor();
        return scales[0];
    }

    /** The per-tensor zero point. @throws IllegalStateException when per channel */
    public int zeroPoint() {
        requirePerTensor();
        return zeroPoints[0];
    }

    /**
     * A real value quantized as TFLite's QUANTIZE does it with per-tensor params: {@code x / scale}
     * rounded half away from zero, plus the zero point, clamped to the type's range.
     */
    public int quantize(float x) {
        requirePerTensor();
        long q = Math.round(Math.abs((double) x / scales[0])) * (x < 0 ? -1 : 1) + zeroPoints[0];
        return (int) Math.max(type.min(), Math.min(type.max(), q));
    }

    /**
     * The activation a layer's per-tensor output range stands for, where a file leaves it to the range
     * (TFLite's converter writes many uint8 MobileNets with no fused activation and a [0, 6] output;
     * ONNX Runtime's quantizer drops the Clip before a QuantizeLinear): RELU6 when the range starts at 0
     * and 6 quantizes to its top (it ends within half a step of 6, or below), RELU when it starts at 0
     * and ends above, otherwise NONE. The integer path clamps ReLU6 at {@code q(6)}, so RELU6 is only
     * said where that clamp is the range's own top and the two paths agree.
     */
    public org.mobilenet.engine.arch.Activation impliedActivation() {
        requirePerTensor();
        if (zeroPoints[0] != type.min()) {
            return org.mobilenet.engine.arch.Activation.NONE;
        }
        return zeroPoints[0] + Math.rint(6f / scales[0]) >= type.max() ? org.mobilenet.engine.arch.Activation.RELU6
                : org.mobilenet.engine.arch.Activation.RELU;
    }

    /** {@code scale * (q - zeroPoint)} for channel {@code channel}'s params. */
    public float dequantize(int q, int channel) {
        return scale(channel) * (q - zeroPoint(channel));
    }

    private void requirePerTensor() {
        if (perChannel()) {
            throw new IllegalStateException("per-channel quantization has no single scale");
        }
    }

    /** {@code uint8 scale 0.0078125 zero point 128}, or {@code int8 per-channel (axis 0, 32 scales) zero point 0}. */
    public String describe() {
        if (!perChannel()) {
            return type.id() + " scale " + scales[0] + " zero point " + zeroPoints[0];
        }
        boolean oneZero = Arrays.stream(zeroPoints).allMatch(z -> z == zeroPoints[0]);
        return type.id() + " per-channel (axis " + axis + ", " + scales.length + " scales) zero point"
                + (oneZero ? " " + zeroPoints[0] : "s " + Arrays.toString(zeroPoints));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantParams p && type == p.type && axis == p.axis && Arrays.equals(scales, p.scales)
                && Arrays.equals(zeroPoints, p.zeroPoints);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, axis, Arrays.hashCode(scales), Arrays.hashCode(zeroPoints));
    }

    @Override
    public String toString() {
        return describe();
    }
}
