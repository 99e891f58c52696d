package org.mobilenet.engine.model;

import java.util.Objects;

/**
 * Folds an inference-mode BatchNorm {@code y = (x - mean) / sqrt(var + eps) * gamma + beta} into the
 * conv or fc before it: per output channel {@code o}, {@code scale = gamma[o] / sqrt(var[o] + eps)},
 * {@code w'[o, ...] = w[o, ...] * scale} and {@code b'[o] = (b[o] - mean[o]) * scale + beta[o]}
 * (a missing bias counts as 0). Computed in double and rounded once, so that every place that folds
 * (the model, the importers) gets the same floats.
 */
public final class BatchNormFolding {
    private BatchNormFolding() {
    }

    /** A folded layer: weights in the input's layout ({@code [Cout, ...]}) and a bias {@code [Cout]}. */
    public record Folded(float[] weight, float[] bias) {
        public Folded {
            Objects.requireNonNull(weight, "weight");
            Objects.requireNonNull(bias, "bias");
        }
    }

    /**
     * Folds one layer's BatchNorm.
     *
     * @param weight  {@code [Cout, ...]}, output channel first
     * @param bias    {@code [Cout]}, or null for none
     * @param gamma   {@code [Cout]}; {@code beta}, {@code mean} and {@code var} likewise
     * @param epsilon the BatchNorm's epsilon, {@code >= 0}
     */
    public static Folded fold(float[] weight, float[] bias, float[] gamma, float[] beta, float[] mean, float[] var,
            double epsilon) {
        int cout = gamma.length;
        if (beta.length != cout || mean.length != cout || var.length != cout || (bias != null && bias.length != cout)) {
            throw new IllegalArgumentException("BatchNorm arrays must all have " + cout + " channels, got beta "
                    + beta.length + ", mean " + mean.length + ", var " + var.length
                    + (bias == null ? "" : ", bias " + bias.length));
        }
        if (cout == 0 || weight.length % cout != 0) {
            throw new IllegalArgumentException(weight.length + " weights do not divide into " + cout + " output channels");
        }
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("BatchNorm epsilon must be >= 0, got " + epsilon);
        }
        int per = weight.length / cout;
        float[] fw = new float[weight.length];
        float[] fb = new float[cout];
        for (int o = 0; o < cout; o++) {
            double scale = gamma[o] / Math.sqrt((double) var[o] + epsilon);
            for (int i = 0; i < per; i++) {
                fw[o * per + i] = (float) (weight[o * per + i] * scale);
            }
            double b = bias == null ? 0 : bias[o];
            fb[o] = (float) ((b - mean[o]) * scale + beta[o]);
        }
        return new Folded(fw, fb);
    }
}
