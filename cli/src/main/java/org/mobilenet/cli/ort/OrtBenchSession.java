package org.mobilenet.cli.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.Map;

/**
 * One ONNX Runtime session set up for a fair latency comparison with the engine ({@link OrtSettings}:
 * intra-op threads = the engine's thread count; spinning stopped when a run returns, optionally, so
 * idle pool threads do not take cores from whatever runs next in the process). The input is one tensor
 * made once (float32, or float16 for a model in half precision: {@link OrtRunner}), so a timed run
 * copies no input. Accepts an NCHW ({@code [N,C,H,W]}) or NHWC ({@code [N,H,W,C]}) input, C 3 or 1.
 */
public final class OrtBenchSession implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final OnnxTensor input;
    private final Map<String, OnnxTensor> feed;

    /**
     * onnx: the model bytes. imagesNhwc {@code [batch, r, r, 3]}: the same input the engine gets.
     */
    public OrtBenchSession(byte[] onnx, OrtSettings settings, float[] imagesNhwc, int batch, int r) throws OrtException {
        this(env -> settings.open(env, onnx), imagesNhwc, batch, r, r);
    }

    /** The same for an {@code h x w} input: imagesNhwc {@code [batch, h, w, 3]}. */
    public OrtBenchSession(byte[] onnx, OrtSettings settings, float[] imagesNhwc, int batch, int h, int w)
            throws OrtException {
        this(env -> settings.open(env, onnx), imagesNhwc, batch, h, w);
    }

    /**
     * The session of an ONNX file as ONNX Runtime loads it from disk (external data beside it), as a user
     * of ONNX Runtime would: {@code bench --cold} times this.
     */
    public static OrtBenchSession open(Path onnxFile, OrtSettings settings, float[] imagesNhwc, int batch, int h, int w)
            throws OrtException {
        return new OrtBenchSession(env -> settings.open(env, onnxFile), imagesNhwc, batch, h, w);
    }

    @FunctionalInterface
    private interface Opener {
        OrtSession open(OrtEnvironment env) throws OrtException;
    }

    private OrtBenchSession(Opener opener, float[] imagesNhwc, int batch, int h, int w) throws OrtException {
        env = OrtEnvironment.getEnvironment();
        session = opener.open(env);
        try {
            inputName = session.getInputNames().iterator().next();
            NodeInfo info = session.getInputInfo().get(inputName);
            long[] shape = ((TensorInfo) info.getInfo()).getShape();
            int c = imagesNhwc.length / (batch * h * w); // 3, or 1 for a gray model
            if (shape.length != 4 || (shape[1] != c && shape[3] != c)) {
                throw new IllegalArgumentException("ONNX model input " + inputName + " is not an image batch [N," + c
                        + ",H,W] or [N,H,W," + c + "]");
            }
            boolean nchw = shape[1] == c;
            long[] feedShape = nchw ? new long[] {batch, c, h, w} : new long[] {batch, h, w, c};
            // (float16 for a model in half precision throughout: OrtRunner.tensor)
            input = OrtRunner.tensor(env, info, nchw ? Layouts.toNchw(imagesNhwc, batch, h, w, c) : imagesNhwc, feedShape);
            feed = Map.of(inputName, input);
        } catch (OrtException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** Runs once and returns the first output flattened ({@code [batch * classes]}). */
    public float[] run() throws OrtException {
        try (OrtSession.Result res = session.run(feed)) {
            return OrtRunner.floats((OnnxTensor) res.get(0));
        }
    }

    /** Runs once, keeping nothing: the timed call. */
    public void runTimed() throws OrtException {
        try (OrtSession.Result res = session.run(feed)) {
            if (res.size() == 0) {
                throw new IllegalStateException("ONNX Runtime returned no output");
            }
        }
    }

    @Override
    public void close() throws OrtException {
        try {
            input.close();
        } finally {
            session.close();
        }
    }
}
