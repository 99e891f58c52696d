package org.mobilenet.io.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.ModelFiles;
import org.mobilenet.io.onnx.proto.Onnx.GraphProto;
import org.mobilenet.io.onnx.proto.Onnx.ModelProto;
import org.mobilenet.io.onnx.proto.Onnx.NodeProto;
import org.mobilenet.io.onnx.proto.Onnx.StringStringEntryProto;
import org.mobilenet.io.onnx.proto.Onnx.TensorProto;

class MalformedOnnxTest {
    @TempDir
    Path dir;

    private static ModelProto good() {
        Model m = SeededInit.create(new ModelSpec(0.25, 64, 10, Variant.SEPARABLE, Padding.TF_SAME, true), 1);
        return OnnxExporter.toProto(m, OnnxExportOptions.defaults());
    }

    private Path write(String name, ModelProto p) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, p.toByteArray());
        return f;
    }

    private BadInputException refused(String name, byte[] bytes) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(f));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        return e;
    }

    private static ModelProto goodV2() {
        Model m = SeededInit.create(new org.mobilenet.engine.arch.MobileNetV2Spec(0.35,
                org.mobilenet.engine.arch.Resolution.square(64), 10, true), 1);
        return OnnxExporter.toProto(m, OnnxExportOptions.defaults());
    }

    /** The v2 export with the inputs of its {@code which}-th Add replaced. */
    private static ModelProto rewireAdd(int which, String a, String b) {
        ModelProto p = goodV2();
        GraphProto.Builder g = p.getGraph().toBuilder();
        int seen = 0;
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOpType().equals("Add") && seen++ == which) {
                String first = a == null ? g.getNode(i).getInput(0) : a;
                g.setNode(i, g.getNode(i).toBuilder().clearInput().addInput(first).addInput(b));
                break;
            }
        }
        return p.toBuilder().setGraph(g).build();
    }

    @Test
    void aResidualAddOfAConstantOrOfALaterValueIsRefusedNamingTheAdd() throws Exception {
        BadInputException c = refused("add-const.onnx", rewireAdd(0, null, "relu6.max").toByteArray());
        assertTrue(c.getMessage().contains("(Add)"), c.getMessage());
        assertTrue(c.getMessage().contains("expected a residual Add"), c.getMessage());
        // An Add of the chain value to itself.
        ModelProto self = goodV2();
        String v = self.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Add")).findFirst()
                .orElseThrow().getInput(0);
        refused("add-self.onnx", rewireAdd(0, v, v).toByteArray());
    }

    @Test
    void aResidualAddOfAnotherShapeIsRefusedAsNotAMobileNetGraph() throws Exception {
        // blocks.2.add gets the stem's output (another shape) instead of blocks.1.project's.
        ModelProto p = goodV2();
        String chain = p.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Add")).findFirst()
                .orElseThrow().getInput(0);
        BadInputException e = refused("add-shape.onnx", rewireAdd(0, chain, "conv1").toByteArray());
        assertTrue(e.getMessage().contains("adds"), e.getMessage());
    }

    @Test
    void emptyFileIsRefused() throws Exception {
        assertTrue(refused("empty.onnx", new byte[0]).getMessage().contains("empty file"));
    }

    @Test
    void truncatedFileIsRefused() throws Exception {
        byte[] b = good().toByteArray();
        refused("truncated.onnx", Arrays.copyOf(b, b.length / 2));
    }

    @Test
    void randomBytesAreRefused() throws Exception {
        byte[] b = new byte[4096];
        new SplittableRandom(9).nextBytes(b);
        refused("random.onnx", b);
    }

    @Test
    void aGraphThatIsNotAMobileNetIsRefused() throws Exception {
        ModelProto p = good();
        GraphProto.Builder g = p.getGraph().toBuilder().clearNode().clearInitializer()
                .addNode(NodeProto.newBuilder().setOpType("Relu").setName("only").addInput("input").addOutput("probabilities"));
        BadInputException e = refused("relu.onnx", p.toBuilder().setGraph(g).build().toByteArray());
        assertTrue(e.getMessage().contains("'only' (Relu)"), e.getMessage());
        assertTrue(e.getMessage().contains("expected Conv"), e.getMessage());
    }

    @Test
    void anUnknownOpIsRefusedNamingTheNodeAndWhatWasExpected() throws Exception {
        ModelProto p = good();
        GraphProto.Builder g = p.getGraph().toBuilder();
        // Replace the first Clip with an op the importer does not know.
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOpType().equals("Clip")) {
                g.setNode(i, g.getNode(i).toBuilder().setOpType("Swish").clearInput().addInput(g.getNode(i).getInput(0)));
                break;
            }
        }
        BadInputException e = refused("swish.onnx", p.toBuilder().setGraph(g).build().toByteArray());
        assertTrue(e.getMessage().contains("(Swish)"), e.getMessage());
        assertTrue(e.getMessage().contains("expected Relu, Clip(0, 6) or HardSwish"), e.getMessage());
    }

    @Test
    void padsMatchingNeitherConventionMakeAGenericGraphWithThosePads() throws Exception {
        // Not the paper's network (whose pads are symmetric or TensorFlow's SAME), but one the engine runs
        // as its layers say, as ONNX Runtime does.
        ModelProto p = good();
        GraphProto.Builder g = p.getGraph().toBuilder();
        NodeProto conv = g.getNode(0);
        NodeProto.Builder nb = conv.toBuilder().clearAttribute();
        for (var a : conv.getAttributeList()) {
            nb.addAttribute(a.getName().equals("pads") ? a.toBuilder().clearInts().addAllInts(Arrays.asList(1L, 1L, 0L, 0L)).build() : a);
        }
        g.setNode(0, nb);
        Path f = dir.resolve("pads.onnx");
        Files.write(f, p.toBuilder().setGraph(g).build().toByteArray());
        Model m = ModelFiles.load(f);
        assertEquals(new org.mobilenet.engine.arch.Pads(1, 1, 0, 0), m.graph().layers().get(0).pads());
        assertEquals(new org.mobilenet.engine.arch.Pads(1, 1, 1, 1), m.graph().layers().get(1).pads());
    }

    @Test
    void otherGraphOutputsAreLayerValuesTheModelNamesButDoesNotKeep() throws Exception {
        ModelProto p = good();
        GraphProto.Builder g = p.getGraph().toBuilder();
        String first = g.getNode(0).getOutput(0); // the first conv's output, listed as an output too
        g.addOutput(g.getOutput(0).toBuilder().setName(first));
        Path f = dir.resolve("two.onnx");
        Files.write(f, p.toBuilder().setGraph(g).build().toByteArray());
        OnnxImport imp = OnnxImporter.read(f);
        assertEquals(p.getGraph().getOutput(0).getName(), imp.outputName());
        assertEquals(first, imp.model().metadata().get(OnnxImport.OTHER_OUTPUTS));
        assertFalse(OnnxImporter.read(write("one.onnx", good())).model().metadata().containsKey(OnnxImport.OTHER_OUTPUTS));
    }

    @Test
    void malformedAlphaMetadataIsRefusedNotTakenForAGenericGraph() throws Exception {
        ModelProto p = good();
        ModelProto.Builder b = p.toBuilder().clearMetadataProps();
        for (StringStringEntryProto e : p.getMetadataPropsList()) {
            if (!e.getKey().equals(org.mobilenet.io.ModelMetadata.ALPHA)) {
                b.addMetadataProps(e);
            }
        }
        b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(org.mobilenet.io.ModelMetadata.ALPHA).setValue("lots"));
        BadInputException e = refused("alpha.onnx", b.build().toByteArray());
        assertTrue(e.getMessage().contains("alpha"), e.getMessage());
    }

    @Test
    void aChainWithMixedActivationsIsAGenericGraphWithEachLayersOwn() throws Exception {
        // v1's layers, but the first activation a Relu where the others are Clip(0, 6): not the paper's
        // network, one the engine runs as its layers say.
        ModelProto p = good();
        GraphProto.Builder g = p.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOpType().equals("Clip")) {
                g.setNode(i, g.getNode(i).toBuilder().setOpType("Relu").clearAttribute().clearInput()
                        .addInput(g.getNode(i).getInput(0)));
                break;
            }
        }
        Path f = dir.resolve("mixed.onnx");
        Files.write(f, p.toBuilder().setGraph(g).build().toByteArray());
        Model m = ModelFiles.load(f);
        assertEquals(org.mobilenet.engine.arch.Activation.RELU, m.graph().layers().get(0).activation());
        assertEquals(org.mobilenet.engine.arch.Activation.RELU6, m.graph().layers().get(1).activation());
        assertThrows(org.mobilenet.engine.model.UnsupportedModelException.class, m::spec, "a generic graph, not a ModelSpec");
    }

    @Test
    void externalDataOutsideTheModelFolderIsRefused() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("model"));
        Files.write(dir.resolve("secret.bin"), new byte[1 << 16]);
        ModelProto p = withExternal(good(), "conv1.weight", "../secret.bin", 0);
        Path f = sub.resolve("m.onnx");
        Files.write(f, p.toByteArray());
        BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(f));
        assertTrue(e.getMessage().contains("outside the model's folder"), e.getMessage());
        ModelProto abs = withExternal(good(), "conv1.weight", dir.resolve("secret.bin").toString(), 0);
        Files.write(f, abs.toByteArray());
        e = assertThrows(BadInputException.class, () -> ModelFiles.load(f));
        assertTrue(e.getMessage().contains("outside the model's folder"), e.getMessage());
    }

    @Test
    void dimsClaimingMoreBytesThanTheExternalFileAreRefused() throws Exception {
        ModelProto p = good();
        GraphProto.Builder g = p.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getName().equals("conv1.weight")) {
                g.setInitializer(i, g.getInitializer(i).toBuilder().clearDims().addDims(1 << 20).addDims(3).addDims(3).addDims(3).clearRawData()
                        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin")));
            }
        }
        Files.write(dir.resolve("w.bin"), new byte[1024]);
        BadInputException e = refused("huge.onnx", p.toBuilder().setGraph(g).build().toByteArray());
        assertTrue(e.getMessage().contains("which has only 1024 bytes"), e.getMessage());
    }

    @Test
    void inlineDimsClaimingMoreThanTheRawDataAreRefused() throws Exception {
        ModelProto p = good();
        GraphProto.Builder g = p.getGraph().toBuilder();
        int w = 0;
        while (!g.getInitializer(w).getName().equals("conv1.weight")) {
            w++;
        }
        g.setInitializer(w, g.getInitializer(w).toBuilder().clearDims().addDims(100000).addDims(3).addDims(3).addDims(3));
        BadInputException e = refused("claims.onnx", p.toBuilder().setGraph(g).build().toByteArray());
        assertTrue(e.getMessage().contains("bytes of raw_data"), e.getMessage());
    }

    @Test
    void externalDataNextToTheModelIsRead() throws Exception {
        ModelProto p = good();
        TensorProto w = p.getGraph().getInitializerList().stream().filter(t -> t.getName().equals("blocks.0.pw.weight"))
                .findFirst().orElseThrow();
        byte[] raw = w.getRawData().toByteArray();
        byte[] file = new byte[4096 + raw.length];
        System.arraycopy(raw, 0, file, 4096, raw.length);
        Files.write(dir.resolve("weights.bin"), file);
        ModelProto ext = withExternal(p, "blocks.0.pw.weight", "weights.bin", 4096);
        Path f = dir.resolve("ext.onnx");
        Files.write(f, ext.toByteArray());
        Path g = dir.resolve("inline.onnx");
        Files.write(g, p.toByteArray());
        assertEquals(ModelFiles.load(g).tensors(), ModelFiles.load(f).tensors());
        assertFalse(OnnxFile.hasExternalData(OnnxFile.inlineExternalData(f, ext)));
    }

    @Test
    void float16InitializersAreRead() throws Exception {
        ModelProto p = good();
        GraphProto.Builder g = p.getGraph().toBuilder();
        TensorProto w = g.getInitializer(2);
        float[] v = new float[w.getRawData().size() / 4];
        w.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        java.nio.ByteBuffer half = java.nio.ByteBuffer.allocate(v.length * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        TensorProto.Builder typed = w.toBuilder().clearRawData().setDataType(TensorProto.DataType.FLOAT16_VALUE);
        for (float x : v) {
            short h = org.mobilenet.io.HalfFloats.toHalf(x);
            half.putShort(h);
            typed.addInt32Data(h & 0xffff);
        }
        Path raw = dir.resolve("f16raw.onnx");
        g.setInitializer(2, w.toBuilder().setDataType(TensorProto.DataType.FLOAT16_VALUE).setRawData(ByteString.copyFrom(half.array())));
        Files.write(raw, p.toBuilder().setGraph(g).build().toByteArray());
        Path typedFile = dir.resolve("f16typed.onnx");
        g.setInitializer(2, typed);
        Files.write(typedFile, p.toBuilder().setGraph(g).build().toByteArray());
        Model a = ModelFiles.load(raw);
        Model b = ModelFiles.load(typedFile);
        float[] got = a.tensor(w.getName()).data();
        for (int i = 0; i < v.length; i++) {
            assertEquals(v[i], got[i], Math.abs(v[i]) * 1e-3 + 1e-7, "value " + i);
        }
        assertEquals(a.tensor(w.getName()), b.tensor(w.getName()));
    }

    @Test
    void differingBatchNormEpsilonsAreFoldedAtImport() throws Exception {
        Model m = SeededInit.create(new ModelSpec(0.25, 64, 10, Variant.SEPARABLE, Padding.SYMMETRIC, true), 2);
        ModelProto p = OnnxExporter.toProto(m.foldBatchNorm(), OnnxExportOptions.defaults());
        // Unfused BNs after conv1 (epsilon 1e-5) and blocks.0.dw (epsilon 1e-3): the importer must fold both.
        GraphProto.Builder g = p.getGraph().toBuilder();
        addBatchNorm(g, 0, "bn1", 1e-5f);
        addBatchNorm(g, 2, "bn2", 1e-3f);
        Path f = dir.resolve("eps.onnx");
        Files.write(f, p.toBuilder().setGraph(g).build().toByteArray());
        Model back = ModelFiles.load(f);
        assertFalse(back.hasBatchNorm());
        Model folded = m.foldBatchNorm();
        assertEquals(folded.tensor("conv1.weight").data()[0] / Math.sqrt(1 + 1e-5), back.tensor("conv1.weight").data()[0], 1e-6);
        assertEquals(folded.tensor("blocks.0.dw.weight").data()[0] / Math.sqrt(1 + 1e-3),
                back.tensor("blocks.0.dw.weight").data()[0], 1e-6);
        assertEquals(folded.tensor("blocks.0.pw.weight"), back.tensor("blocks.0.pw.weight"));
    }

    @Test
    void equalBatchNormEpsilonsStayUnfolded() throws Exception {
        Model m = SeededInit.create(new ModelSpec(0.25, 64, 10, Variant.SEPARABLE, Padding.SYMMETRIC, true), 2);
        ModelProto p = OnnxExporter.toProto(m.foldBatchNorm(), OnnxExportOptions.defaults());
        GraphProto.Builder g = p.getGraph().toBuilder();
        addBatchNorm(g, 0, "bn1", 1e-5f);
        Path f = dir.resolve("eps1.onnx");
        Files.write(f, p.toBuilder().setGraph(g).build().toByteArray());
        Model back = ModelFiles.load(f);
        assertTrue(back.has("conv1_bn.running_var"));
        assertEquals(1e-5f, back.bnEpsilon());
    }

    /** Inserts an identity-statistics BN (gamma 1, beta 0, mean 0, var 1) after the Conv at {@code index}. */
    private static void addBatchNorm(GraphProto.Builder g, int index, String name, float eps) {
        int c = 8;
        float[] ones = new float[c];
        Arrays.fill(ones, 1f);
        g.addInitializer(OnnxExporter.tensor(name + ".s", new int[] {c}, ones));
        g.addInitializer(OnnxExporter.tensor(name + ".b", new int[] {c}, new float[c]));
        g.addInitializer(OnnxExporter.tensor(name + ".m", new int[] {c}, new float[c]));
        g.addInitializer(OnnxExporter.tensor(name + ".v", new int[] {c}, ones));
        String convOut = g.getNode(index).getOutput(0);
        g.setNode(index + 1, g.getNode(index + 1).toBuilder().setInput(0, name + ".out"));
        g.addNode(NodeProto.newBuilder().setOpType("BatchNormalization").setName(name).addInput(convOut)
                .addInput(name + ".s").addInput(name + ".b").addInput(name + ".m").addInput(name + ".v")
                .addOutput(name + ".out").addAttribute(org.mobilenet.io.onnx.proto.Onnx.AttributeProto.newBuilder()
                        .setName("epsilon").setType(org.mobilenet.io.onnx.proto.Onnx.AttributeProto.AttributeType.FLOAT)
                        .setF(eps)));
    }

    private static ModelProto withExternal(ModelProto p, String name, String location, long offset) {
        GraphProto.Builder g = p.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            if (t.getName().equals(name)) {
                g.setInitializer(i, t.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                        .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)))
                        .addExternalData(StringStringEntryProto.newBuilder().setKey("length")
                                .setValue(Integer.toString(t.getRawData().size()))));
            }
        }
        return p.toBuilder().setGraph(g).build();
    }
}
