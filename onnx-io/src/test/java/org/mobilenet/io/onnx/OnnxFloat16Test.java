package org.mobilenet.io.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.MobileNetV2Spec;
import org.mobilenet.engine.arch.Resolution;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.HalfFloats;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.onnx.proto.Onnx.AttributeProto;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto;

/**
 * ONNX models converted to half precision (float16 initializers; the input and output float16 too, or
 * kept float32 with a Cast after the input and before the output, as onnxconverter-common writes them)
 * import with their float16 weights widened; ONNX Runtime, running the graph in half precision, agrees
 * with the engine's float32 to float16's precision.
 */
class OnnxFloat16Test {
    @TempDir
    Path dir;

    @Test
    void aHalfPrecisionGraphImportsWithItsFloat16WeightsAndAgreesWithOnnxRuntimeToHalfPrecision() throws Exception {
        Model m = SeededInit.create(new MobileNetV2Spec(0.35, Resolution.square(48), 10, true), 2).foldBatchNorm();
        ModelProto p = OnnxExporter.toProto(m, OnnxExportOptions.defaults());
        for (boolean keepIo : new boolean[] {false, true}) {
            ModelProto half = OnnxExporter.toHalf(p, keepIo);
            Path f = dir.resolve("half" + keepIo + ".onnx");
            Files.write(f, half.toByteArray());
            Model back = ModelFiles.load(f);
            assertEquals("true", back.metadata().get(OnnxImport.FLOAT16), "keep io " + keepIo);
            assertEquals(m.architecture(), back.architecture());
            for (String name : m.tensors().keySet()) {
                float[] want = m.tensor(name).data();
                float[] got = back.tensor(name).data();
                for (int i = 0; i < want.length; i++) {
                    assertEquals(HalfFloats.fromHalf(HalfFloats.toHalf(want[i]) & 0xffff), got[i], name + "[" + i + "]");
                }
            }
            if (keepIo) {
                float[] x = OrtRunner.random(48 * 48 * 3, 5);
                float[] nchw = new float[x.length];
                for (int y = 0; y < 48; y++) {
                    for (int xx = 0; xx < 48; xx++) {
                        for (int c = 0; c < 3; c++) {
                            nchw[(c * 48 + y) * 48 + xx] = x[(y * 48 + xx) * 3 + c];
                        }
                    }
                }
                float[] theirs = OrtRunner.run(half, nchw, new long[] {1, 3, 48, 48});
                try (Network net = Network.compile(back)) {
                    float[] ours = net.forward(x, 1);
                    for (int i = 0; i < ours.length; i++) {
                        assertEquals(theirs[i], ours[i], 1e-2, "output " + i);
                    }
                }
            }
        }
        assertNull(ModelFiles.load(write(p)).metadata().get(OnnxImport.FLOAT16), "a float32 graph is not float16");
    }

    private Path write(ModelProto p) throws Exception {
        Path f = dir.resolve("single.onnx");
        Files.write(f, p.toByteArray());
        return f;
    }
}
