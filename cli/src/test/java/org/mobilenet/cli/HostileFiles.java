package org.mobilenet.cli;

import com.google.protobuf.ByteString;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.io.onnx.OnnxExportOptions;
import org.mobilenet.io.onnx.OnnxExporter;
import org.mobilenet.io.onnx.proto.Onnx.AttributeProto;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;
import org.mobilenet.io.onnx.proto.Onnx.OperatorSetIdProto;
import org.mobilenet.io.onnx.proto.Onnx.StringStringEntryProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorShapeProto;
import org.mobilenet.io.onnx.proto.Onnx.TypeProto;
import org.mobilenet.io.onnx.proto.Onnx.ValueInfoProto;

/** Hostile model and image files built in code, from small valid ones or the real TFLite model's bytes. */
final class HostileFiles {
    private HostileFiles() {
    }

    /** A valid tiny MobileNet (every layer 8 channels, 32x32, 10 classes) as an ONNX graph. */
    static ModelProto tinyOnnx() {
        ModelSpec spec = new ModelSpec(8.0 / 1024, 32, 10, Variant.SHALLOW, Padding.SYMMETRIC, true);
        return OnnxExporter.toProto(SeededInit.create(spec, 3), OnnxExportOptions.defaults());
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    static byte[] truncated(byte[] valid) {
        return Arrays.copyOf(valid, valid.length / 2);
    }

    /** The tiny model with its stem weights replaced by {@code t} (named conv1.weight). */
    static ModelProto withStemWeight(ModelProto m, TensorProto.Builder t) {
        GraphProto.Builder g = m.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getName().equals("conv1.weight")) {
                g.setInitializer(i, t.setName("conv1.weight").build());
                return m.toBuilder().setGraph(g).build();
            }
        }
        throw new IllegalStateException("the tiny model has no conv1.weight");
    }

    /** Output channels of stem weights that claim 108 million elements ([4000000, 3, 3, 3]). */
    static final int HUGE_COUT = 4_000_000;

    /** Stem weights of a plausible layout declaring {@link #HUGE_COUT} x 3 x 3 x 3 elements, with 16 bytes of raw data. */
    static ModelProto hugeDims(ModelProto m, TensorProto.DataType type) {
        return withStemWeight(m, TensorProto.newBuilder().setDataType(type.getNumber())
                .addAllDims(java.util.List.of((long) HUGE_COUT, 3L, 3L, 3L)).setRawData(ByteString.copyFrom(new byte[16])));
    }

    /** Stem weights declaring {@link #HUGE_COUT} x 3 x 3 x 3 floats in float_data, which holds 4. */
    static ModelProto hugeDimsTyped(ModelProto m) {
        return withStemWeight(m, TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addAllDims(java.util.List.of((long) HUGE_COUT, 3L, 3L, 3L)).addAllFloatData(java.util.List.of(1f, 2f, 3f, 4f)));
    }

    /** Stem weights [8, 3, 3, 3] stored externally at {@code location}. */
    static ModelProto external(ModelProto m, String location) {
        return withStemWeight(m, TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(8).addDims(3).addDims(3).addDims(3)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location)));
    }

    /** The tiny model with its first activation replaced by an op a MobileNet v1 does not use. */
    static ModelProto foreignOp(ModelProto m, String opType) {
        GraphProto.Builder g = m.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (n.getOpType().equals("Clip") || n.getOpType().equals("Relu")) {
                g.setNode(i, NodeProto.newBuilder().setOpType(opType).setName(n.getName()).addInput(n.getInput(0))
                        .addOutput(n.getOutput(0)).build());
                return m.toBuilder().setGraph(g).build();
            }
        }
        throw new IllegalStateException("the tiny model has no activation");
    }

    /** A valid graph that is a single Add of two inputs. */
    static ModelProto singleAdd() {
        GraphProto g = GraphProto.newBuilder().setName("add")
                .addInput(value("a", 1, 3, 32, 32)).addInput(value("b", 1, 3, 32, 32)).addOutput(value("c", 1, 3, 32, 32))
                .addNode(NodeProto.newBuilder().setOpType("Add").setName("add").addInput("a").addInput("b").addOutput("c"))
                .build();
        return model(g);
    }

    /** A graph whose chain runs in a circle: x -> Identity -> y -> Identity -> x. */
    static ModelProto identityCycle() {
        GraphProto g = GraphProto.newBuilder().setName("cycle")
                .addInput(value("x", 1, 3, 32, 32)).addOutput(value("z", 1, 10))
                .addNode(node("Identity", "i0", "x", "y")).addNode(node("Identity", "i1", "y", "x"))
                .build();
        return model(g);
    }

    /** The tiny model with the stem's activation writing back into the graph input: conv1 runs in a circle. */
    static ModelProto convCycle(ModelProto m) {
        GraphProto.Builder g = m.getGraph().toBuilder();
        String input = g.getInput(0).getName();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (n.getOpType().equals("Clip") || n.getOpType().equals("Relu")) {
                g.setNode(i, n.toBuilder().setOutput(0, input).build());
                return m.toBuilder().setGraph(g).build();
            }
        }
        throw new IllegalStateException("the tiny model has no activation");
    }

    /** A ResNet-style residual block: conv, relu, conv, add of the skip, relu, pool, classifier. */
    static ModelProto residualBlock() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("resnet")
                .addInput(value("x", 1, 3, 32, 32)).addOutput(value("y", 1, 10));
        g.addInitializer(floats("w0", 8, 3, 3, 3)).addInitializer(floats("w1", 8, 8, 3, 3))
                .addInitializer(floats("w2", 8, 8, 3, 3)).addInitializer(floats("fc.w", 10, 8))
                .addInitializer(floats("fc.b", 10));
        g.addNode(conv("c0", "x", "w0", "h0")).addNode(node("Relu", "r0", "h0", "a0"))
                .addNode(conv("c1", "a0", "w1", "h1")).addNode(node("Relu", "r1", "h1", "a1"))
                .addNode(conv("c2", "a1", "w2", "h2"))
                .addNode(NodeProto.newBuilder().setOpType("Add").setName("skip").addInput("h2").addInput("a0").addOutput("s"))
                .addNode(node("Relu", "r2", "s", "a2")).addNode(node("GlobalAveragePool", "gap", "a2", "p"))
                .addNode(node("Flatten", "flat", "p", "f"))
                .addNode(NodeProto.newBuilder().setOpType("Gemm").setName("fc").addInput("f").addInput("fc.w")
                        .addInput("fc.b").addOutput("y").addAttribute(AttributeProto.newBuilder().setName("transB")
                                .setType(AttributeProto.AttributeType.INT).setI(1)));
        return model(g.build());
    }

    private static NodeProto conv(String name, String in, String w, String out) {
        return NodeProto.newBuilder().setOpType("Conv").setName(name).addInput(in).addInput(w).addOutput(out)
                .addAttribute(AttributeProto.newBuilder().setName("pads").setType(AttributeProto.AttributeType.INTS)
                        .addAllInts(java.util.List.of(1L, 1L, 1L, 1L)))
                .addAttribute(AttributeProto.newBuilder().setName("kernel_shape").setType(AttributeProto.AttributeType.INTS)
                        .addAllInts(java.util.List.of(3L, 3L)))
                .build();
    }

    private static NodeProto node(String op, String name, String in, String out) {
        return NodeProto.newBuilder().setOpType(op).setName(name).addInput(in).addOutput(out).build();
    }

    private static TensorProto floats(String name, int... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        int n = 1;
        for (int d : dims) {
            t.addDims(d);
            n *= d;
        }
        return t.setRawData(ByteString.copyFrom(new byte[4 * n])).build();
    }

    private static ValueInfoProto value(String name, int... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (int d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }

    private static ModelProto model(GraphProto g) {
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("hostile-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
    }

    // ---- TFLite: damaged copies of the real model ----

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The root offset points past the end of the file. */
    static byte[] tfliteRootOutside(byte[] real) {
        byte[] b = real.clone();
        le(b).putInt(0, 0x7FFFFFF0);
        return b;
    }

    /** The root table's vtable offset points outside the file. */
    static byte[] tfliteVtableOutside(byte[] real) {
        byte[] b = real.clone();
        int root = le(b).getInt(0);
        le(b).putInt(root, -0x7FFFFFF0);
        return b;
    }

    /** The classifier's weight buffer (1001 x 256 bytes) claims 2 GB of data. */
    static byte[] tfliteHugeBuffer(byte[] real) {
        byte[] b = real.clone();
        ByteBuffer bb = le(b);
        for (int p = 0; p + 4 <= b.length; p += 4) {
            if (bb.getInt(p) == 1001 * 256) {
                bb.putInt(p, 0x7FFFFFF0);
                return b;
            }
        }
        throw new IllegalStateException("no vector of 1001 x 256 bytes in the model");
    }

    // ---- safetensors ----

    static byte[] safetensors(long headerLength, String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(headerLength).put(h).array();
    }

    static byte[] safetensorsHugeHeaderLength() {
        return safetensors(Long.MAX_VALUE, "{}", 0);
    }

    static byte[] safetensorsHugeTensor() {
        String h = "{\"conv1.weight\":{\"dtype\":\"F32\",\"shape\":[100000,100000],\"data_offsets\":[0,16]}}";
        return safetensors(h.getBytes(StandardCharsets.UTF_8).length, h, 16);
    }

    // ---- images ----

    static BufferedImage picture(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 9) << 16 | (y * 13) << 8 | (x ^ y));
            }
        }
        return img;
    }

    static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, format, out)) {
            throw new IOException("no ImageIO writer for " + format);
        }
        return out.toByteArray();
    }

    /** A real small PNG whose IHDR (with a correct CRC) declares width x height. */
    static byte[] pngDeclaring(int width, int height) throws IOException {
        byte[] b = encode(picture(16, 16), "png");
        ByteBuffer bb = ByteBuffer.wrap(b);
        bb.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(b, 12, 17);
        bb.putInt(29, (int) crc.getValue());
        return b;
    }

    /** A real small BMP whose info header declares width x height. */
    static byte[] bmpDeclaring(int width, int height) throws IOException {
        byte[] b = encode(picture(16, 16), "bmp");
        le(b).putInt(18, width).putInt(22, height);
        return b;
    }

    /** A real small baseline JPEG whose SOF0 declares width x height (at most 65535 each). */
    static byte[] jpegDeclaring(int width, int height) throws IOException {
        byte[] b = encode(picture(16, 16), "jpeg");
        for (int p = 2; p + 9 < b.length; p++) {
            if ((b[p] & 0xFF) == 0xFF && (b[p + 1] & 0xFF) == 0xC0) {
                ByteBuffer.wrap(b).putShort(p + 5, (short) height).putShort(p + 7, (short) width);
                return b;
            }
        }
        throw new IllegalStateException("no SOF0 marker in the JPEG");
    }

    /** A GIF whose screen and only image declare width x height (at most 65535 each), with an empty image. */
    static byte[] gifDeclaring(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.put("GIF89a".getBytes(StandardCharsets.US_ASCII)).putShort((short) width).putShort((short) height)
                .put((byte) 0x80).put((byte) 0).put((byte) 0) // global colour table of 2 entries
                .put(new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255})
                .put((byte) 0x2C).putShort((short) 0).putShort((short) 0).putShort((short) width)
                .putShort((short) height).put((byte) 0)
                .put((byte) 2).put((byte) 2).put((byte) 0x4C).put((byte) 0x01).put((byte) 0) // LZW min size 2, one block
                .put((byte) 0x3B);
        return Arrays.copyOf(b.array(), b.position());
    }

    /** An 8-bit BMP of 1x1 pixel whose pixel data offset (and so its palette) claims 2 GB. */
    static byte[] bmpHugePalette() {
        ByteBuffer b = ByteBuffer.allocate(14 + 40 + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(b.capacity()).putInt(0).putInt(0x7FFFFFF0)
                .putInt(40).putInt(1).putInt(1).putShort((short) 1).putShort((short) 8).putInt(0).putInt(4)
                .putInt(2835).putInt(2835).putInt(0).putInt(0);
        return b.array();
    }

    /** A 1x1 grey PNG with a zTXt chunk that inflates to 256 MB of zeros (a zip bomb in metadata). */
    static byte[] pngTextBomb() throws IOException {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream d = new java.util.zip.DeflaterOutputStream(z,
                new java.util.zip.Deflater(9))) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) {
                d.write(zeros);
            }
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        text.write(new byte[] {'C', 'o', 'm', 'm', 'e', 'n', 't', 0, 0});
        text.write(z.toByteArray());
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream d = new java.util.zip.DeflaterOutputStream(idat)) {
            d.write(new byte[] {0, (byte) 128});
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(1).putInt(1).put((byte) 8).put((byte) 0).put((byte) 0)
                .put((byte) 0).put((byte) 0).array());
        chunk(png, "zTXt", text.toByteArray());
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(t);
        out.write(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        Files.write(f, bytes);
        return f;
    }
}
