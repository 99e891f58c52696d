package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.npy.NpyArray;
import org.mobilenet.io.npy.NpyFile;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto;

/**
 * An ONNX file that preprocesses its input in its graph (Mul, Sub before the first layer) takes pixels:
 * verify feeds ONNX Runtime the pixels and the engine their preprocessing, run takes pixels, bench
 * compares like with like.
 */
class RescaledInputCommandsTest {
    @TempDir
    Path dir;

    private Path rescaled() throws Exception {
        return rescaled(1 / 128f, "rescaled.onnx");
    }

    /** The 0.25/128 model as ONNX taking its input x as {@code x * scale - 1} in its graph (Mul, Sub). */
    private Path rescaled(float scale, String name) throws Exception {
        Path plain = dir.resolve("plain.onnx");
        assertEquals(0, CliRun.of("convert", "--dequantize", CliRun.shared("models/mobilenet_v1_0.25_128_quant.tflite")
                .toString(), plain.toString()).code());
        ModelProto p = ModelProto.parseFrom(Files.readAllBytes(plain));
        GraphProto.Builder g = p.getGraph().toBuilder();
        String in = g.getInput(0).getName();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto.Builder n = g.getNode(i).toBuilder();
            for (int k = 0; k < n.getInputCount(); k++) {
                if (n.getInput(k).equals(in)) {
                    n.setInput(k, "rescaled");
                }
            }
            g.setNode(i, n);
        }
        g.addInitializer(TensorProto.newBuilder().setName("k.scale").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addFloatData(scale));
        g.addInitializer(TensorProto.newBuilder().setName("k.one").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addFloatData(1f));
        g.addNode(0, NodeProto.newBuilder().setOpType("Mul").setName("rescale.mul").addInput(in).addInput("k.scale")
                .addOutput("scaled"));
        g.addNode(1, NodeProto.newBuilder().setOpType("Sub").setName("rescale.sub").addInput("scaled").addInput("k.one")
                .addOutput("rescaled"));
        Path f = dir.resolve(name);
        Files.write(f, p.toBuilder().clearMetadataProps().setGraph(g).build().toByteArray());
        return f;
    }

    @Test
    void verifyRunAndBenchFeedTheFilePixels() throws Exception {
        Path f = rescaled();
        CliRun info = CliRun.of("info", f.toString());
        assertTrue(info.out().contains("(the file's own, in its graph: it takes float32 pixels)"), info.out());
        CliRun v = CliRun.of("verify", "--count", "2", f.toString());
        assertEquals(0, v.code(), v.err() + v.out());
        assertTrue(v.out().contains("top-1 agree    100.0%"), v.out());
        CliRun vi = CliRun.of("verify", "--per-layer", "--images", CliRun.shared("images/cat.bmp").toString(), f.toString());
        assertEquals(0, vi.code(), vi.err() + vi.out());
        CliRun c = CliRun.of("classify", "-m", f.toString(), "--top-k", "1", CliRun.shared("images/cat.bmp").toString());
        assertTrue(c.out().contains("283"), c.out());
        // run takes the file's pixels (NCHW float32) and gives what the engine gives their preprocessing.
        Model m = ModelFiles.load(f);
        float[] pixels = new float[128 * 128 * 3];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = rnd.nextInt(256);
        }
        float[] nchw = new float[pixels.length];
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    nchw[(ch * 128 + y) * 128 + x] = pixels[(y * 128 + x) * 3 + ch];
                }
            }
        }
        float[] y = runOnNchw(f, nchw, "px");
        float[] x = new float[pixels.length];
        m.preprocessing().normalize(pixels, 3, x);
        try (Network net = Network.compile(m)) {
            assertArrayEquals(net.forward(x, 1), y, 1e-5f);
        }
        CliRun bench = CliRun.of("bench", "-m", f.toString(), "--runs", "2", "--warmup", "1");
        assertEquals(0, bench.code(), bench.err());
        String differ = bench.out().substring(bench.out().indexOf("outputs differ by at most ") + 26).split("\\s")[0];
        assertTrue(Double.parseDouble(differ) < 1e-3, bench.out());
    }

    @Test
    void aGraphThatTakesZeroToOneIsFedThePixelsOver255() throws Exception {
        // x * 2 - 1 in the graph: TF Hub's convention, the file takes [0, 1].
        Path f = rescaled(2f, "hub.onnx");
        CliRun info = CliRun.of("info", f.toString());
        assertTrue(info.out().contains("it takes float32 (pixel - mean) / std with mean [0.0, 0.0, 0.0], std [255.0, 255.0,"
                + " 255.0])"), info.out());
        CliRun c = CliRun.of("classify", "-m", f.toString(), "--top-k", "1", CliRun.shared("images/cat.bmp").toString());
        assertTrue(c.out().contains("283"), c.out());
        CliRun v = CliRun.of("verify", "--images", CliRun.shared("images/cat.bmp").toString(), f.toString());
        assertEquals(0, v.code(), v.err() + v.out());
        // run takes the file's own input: the pixels over 255.
        Model m = ModelFiles.load(f);
        float[] unit = new float[3 * 128 * 128];
        SplittableRandom rnd = new SplittableRandom(2);
        for (int i = 0; i < unit.length; i++) {
            unit[i] = rnd.nextInt(256) / 255f;
        }
        float[] y = runOnNchw(f, unit, "unit");
        // The network's input: the file's own rescale, x * 2 - 1, in the engine's NHWC.
        float[] x = org.mobilenet.cli.ort.Layouts.toNhwc(unit, 1, 128, 128, 3);
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * 2 - 1;
        }
        try (Network net = Network.compile(m)) {
            assertArrayEquals(net.forward(x, 1), y, 1e-5f);
        }
    }

    /** {@code run} of {@code f} on one NCHW float32 128x128 input: its output. */
    private float[] runOnNchw(Path f, float[] nchw, String name) throws Exception {
        Path in = dir.resolve(name + ".npy");
        NpyFile.write(in, NpyArray.ofFloats(new int[] {1, 3, 128, 128}, nchw), false);
        Path out = dir.resolve(name + "-y.npy");
        CliRun r = CliRun.of("run", "-m", f.toString(), "--input", in.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        return NpyFile.read(out).floats();
    }
}
