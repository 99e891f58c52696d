package org.mobilenet.io.onnx;

import java.io.IOException;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;

/** Matches an inference-mode BatchNormalization with constant scale, bias, mean and variance. */
final class BatchNormMatcher {
    private BatchNormMatcher() {
    }

    static ConvUnit.BatchNorm match(OnnxGraph g, NodeProto n, int channels) throws IOException {
        if (g.intAttr(n, "training_mode", 0) != 0) {
            throw g.bad(n, "is in training mode; expected an inference graph");
        }
        for (int i = 1; i < n.getOutputCount(); i++) {
            if (!n.getOutput(i).isEmpty() && !g.dataConsumers(n.getOutput(i)).isEmpty()) {
                throw g.bad(n, "uses its running statistics outputs; expected an inference graph");
            }
        }
        float eps = g.floatAttr(n, "epsilon", 1e-5f);
        if (!(eps >= 0) || !Float.isFinite(eps)) {
            throw g.bad(n, "has epsilon " + eps + "; expected a finite value >= 0");
        }
        String[] what = {"scale", "bias", "mean", "var"};
        float[][] v = new float[4][];
        for (int i = 0; i < 4; i++) {
            v[i] = g.floats(n, i + 1, what[i]);
            if (v[i].length != channels) {
                throw g.bad(n, "has " + v[i].length + " " + what[i] + " values for " + channels + " channels");
            }
        }
        return new ConvUnit.BatchNorm(v[0], v[1], v[2], v[3], eps);
    }
}
