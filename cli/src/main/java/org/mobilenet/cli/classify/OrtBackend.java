package org.mobilenet.cli.classify;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mobilenet.cli.ort.Layouts;
import org.mobilenet.cli.ort.OrtRunner;
import org.mobilenet.cli.ort.OrtSettings;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.onnx.OnnxExportOptions;
import org.mobilenet.io.onnx.OnnxExporter;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;

/**
 * {@code --engine ort}: the model exported to ONNX (NCHW input, the engine's softmax setting) and
 * run by one ONNX Runtime session shared by all worker threads (ORT sessions are thread-safe), with
 * {@code --threads} intra-op threads.
 * The pooled features come from the exported graph's value of the global pooling
 * ({@link OnnxExporter#poolValue}).
 */
final class OrtBackend implements Backend {
    private final OrtRunner runner;
    private final String output;
    /** The exported graph's value of the pooled features. */
    private final String pool;
    private final boolean headless;
    private final int height;
    private final int width;
    private final int channels;

    private OrtBackend(OrtRunner runner, Model model) {
        this.runner = runner;
        this.headless = model.classes() == 0;
        this.output = OnnxExporter.outputName(model, OnnxExportOptions.defaults());
        this.pool = OnnxExporter.poolValue(model, OnnxExportOptions.defaults());
        this.height = model.inputHeight();
        this.width = model.inputWidth();
        this.channels = model.graph().input().c();
    }

    /**
     * A factory whose backends share one session over the exported model, with {@code threads}
     * intra-op threads; closing it closes the session. The export and the session are made at the
     * first {@code get()} (in a command with several threads, on a worker while others decode).
     */
    static BackendFactory factory(Model model, int threads) {
        return new BackendFactory() {
            private OrtRunner runner;

            @Override
            public synchronized Backend get() {
                if (runner == null) {
                    runner = session(model, threads);
                }
                return new OrtBackend(runner, model);
            }

            @Override
            public synchronized void close() {
                if (runner == null) {
                    return;
                }
                try {
                    runner.close();
                } catch (OrtException e) {
                    throw new IllegalStateException("closing the ONNX Runtime session failed: " + e.getMessage(), e);
                } finally {
                    runner = null;
                }
            }
        };
    }

    private static OrtRunner session(Model model, int threads) {
        ModelProto proto = OnnxExporter.toProto(model, OnnxExportOptions.defaults());
        if (model.classes() > 0) {
            proto = OnnxExporter.withOutputs(proto, List.of(OnnxExporter.poolValue(model, OnnxExportOptions.defaults())));
        }
        try {
            // Idle intra-op threads do not spin: with several threads, the others are decoding images.
            return new OrtRunner(proto.toByteArray(), new OrtSettings(threads, threads == 1, false));
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not load the exported model: " + e.getMessage(), e);
        }
    }

    @Override
    public Result run(float[] input, int n, boolean features) {
        float[] nchw = Layouts.toNchw(input, n, height, width, channels);
        List<String> names = new ArrayList<>(List.of(output));
        boolean pooled = features && !headless;
        if (pooled) {
            names.add(pool);
        }
        try {
            Map<String, float[]> out = runner.run(OnnxExporter.INPUT, nchw, new long[] {n, channels, height, width}, names);
            return new Result(out.get(output), pooled ? out.get(pool) : null);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }
}
