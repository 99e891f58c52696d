package org.mobilenet.cli.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An ONNX Runtime session over a model's bytes, run with any inputs and outputs; close it when done. */
public final class OrtRunner implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    /** The inputs' descriptions, read once (each call asks the native session anew). */
    private final Map<String, ai.onnxruntime.NodeInfo> inputs;

    /** Creates a session set up as {@code settings} say. */
    public OrtRunner(byte[] model, OrtSettings settings) throws OrtException {
        this.env = OrtEnvironment.getEnvironment();
        this.session = settings.open(env, model);
        this.inputs = session.getInputInfo();
    }

    /**
     * Runs one batch. Shape: {@code data} laid out as {@code shape} (NCHW or NHWC as the model takes it).
     * Returns the requested outputs, flattened, by name.
     */
    public Map<String, float[]> run(String input, float[] data, long[] shape, List<String> outputs) throws OrtException {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (OnnxTensor t = tensor(input, data, shape);
                OrtSession.Result r = session.run(Map.of(input, t), Set.copyOf(outputs))) {
            for (String name : outputs) {
                Optional<OnnxValue> v = r.get(name);
                if (v.isEmpty() || !(v.get() instanceof OnnxTensor ot)) {
                    throw new IllegalStateException("ONNX Runtime returned no tensor '" + name + "'");
                }
                out.put(name, floats(ot));
            }
        }
        return out;
    }

    /**
     * The input tensor in the type the model takes: float32, or float16 for a model converted to half
     * precision throughout (its input too), each value rounded to the nearest half.
     */
    private OnnxTensor tensor(String input, float[] data, long[] shape) throws OrtException {
        return tensor(env, inputs.get(input), data, shape);
    }

    /** {@code data} as a tensor of the type {@code info} describes: float16 where it says so, else float32. */
    static OnnxTensor tensor(OrtEnvironment env, ai.onnxruntime.NodeInfo info, float[] data, long[] shape)
            throws OrtException {
        if (info != null && info.getInfo() instanceof ai.onnxruntime.TensorInfo ti
                && ti.type == ai.onnxruntime.OnnxJavaType.FLOAT16) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(2 * data.length).order(java.nio.ByteOrder.nativeOrder());
            for (float v : data) {
                b.putShort(org.mobilenet.io.HalfFloats.toHalf(v));
            }
            b.rewind();
            return OnnxTensor.createTensor(env, b, shape, ai.onnxruntime.OnnxJavaType.FLOAT16);
        }
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
    }

    /** A float output tensor's values (float32, or float16 widened), copied out of ONNX Runtime's buffer. */
    static float[] floats(OnnxTensor t) {
        FloatBuffer fb = t.getFloatBuffer();
        float[] a = new float[fb.remaining()];
        fb.get(a);
        return a;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
