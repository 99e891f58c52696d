package org.mobilenet.io.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;

/** Runs ONNX models in ONNX Runtime for tests. */
final class OrtRunner {
    private OrtRunner() {
    }

    /** Runs the model at ALL_OPT on one NCHW batch and returns the first output, flattened. Shape: in [n, 3, r, r]. */
    static float[] run(ModelProto model, float[] in, long[] shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession s = env.createSession(model.toByteArray(), opts);
                    OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(in), shape);
                    OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
                OnnxTensor out = (OnnxTensor) r.get(0);
                FloatBuffer fb = out.getFloatBuffer();
                float[] v = new float[fb.remaining()];
                fb.get(v);
                return v;
            }
        }
    }

    /** NHWC {@code [h, w, c]} per image to ONNX's NCHW {@code [c, h, w]}, one image. */
    static float[] nchw(float[] nhwc, int h, int w, int c) {
        float[] out = new float[nhwc.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    out[(ch * h + y) * w + x] = nhwc[(y * w + x) * c + ch];
                }
            }
        }
        return out;
    }

    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }
}
