package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.arch.LayerGraph;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.run.Network;

/**
 * A Teachable-Machine-style TFLite classifier written in code (MobileNet v1 body, MEAN, two
 * FULLY_CONNECTED with a fused RELU on the first, SOFTMAX) imports as a graph with that head and
 * computes the model's outputs.
 */
class TfliteDenseHeadTest {
    @TempDir
    Path tmp;

    static LayerGraph denseHead(int hidden, int classes) {
        LayerGraph body = new ModelSpec(0.25, 32, 0, Variant.SEPARABLE, Padding.TF_SAME, false).graph();
        List<LayerSpec> layers = new ArrayList<>(body.layers());
        Shape pooled = layers.get(layers.size() - 1).out();
        Shape h = new Shape(1, 1, hidden);
        Shape logits = new Shape(1, 1, classes);
        layers.add(new LayerSpec("head.0", LayerKind.FC, 1, 1, Pads.NONE, pooled, h, Activation.RELU, null));
        layers.add(new LayerSpec("head.1", LayerKind.FC, 1, 1, Pads.NONE, h, logits, Activation.NONE, null));
        layers.add(new LayerSpec("softmax", LayerKind.SOFTMAX, 1, 1, Pads.NONE, logits, logits));
        return new LayerGraph(ModelSpec.FAMILY, body.input(), layers);
    }

    @Test
    void twoDenseLayersImportAndComputeTheSameOutputs() throws Exception {
        Model m = SeededInit.create(denseHead(100, 3), 5).foldBatchNorm();
        Path f = tmp.resolve("tm.tflite");
        Files.write(f, TfliteTestModels.write(m, false));
        Model back = TfliteImporter.load(f);
        assertEquals(3, back.classes());
        List<LayerSpec> fcs = back.graph().layers().stream().filter(l -> l.kind() == LayerKind.FC).toList();
        assertEquals(2, fcs.size());
        assertEquals(Activation.RELU, fcs.get(0).activation());
        assertEquals(100, fcs.get(0).outChannels());
        assertEquals(Activation.NONE, fcs.get(1).activation());
        float[] x = SeededInit.uniform(new SplittableRandom(3), 32 * 32 * 3, 1f);
        assertArrayEquals(Network.compile(m).forward(x, 1), Network.compile(back).forward(x, 1), 1e-6f);
    }

    @Test
    void aSeparateReluOperatorBetweenTheDenseLayersIsTheFirstOnesActivation() throws Exception {
        Model m = SeededInit.create(denseHead(16, 4), 6).foldBatchNorm();
        Path f = tmp.resolve("sep.tflite");
        Files.write(f, TfliteTestModels.writeSeparateFcActivations(m));
        Model back = TfliteImporter.load(f);
        assertEquals(4, back.classes());
        List<LayerSpec> fcs = back.graph().layers().stream().filter(l -> l.kind() == LayerKind.FC).toList();
        assertEquals(Activation.RELU, fcs.get(0).activation());
        float[] x = SeededInit.uniform(new SplittableRandom(4), 32 * 32 * 3, 1f);
        assertArrayEquals(Network.compile(m).forward(x, 1), Network.compile(back).forward(x, 1), 1e-6f);
    }

    @Test
    void labelsNextToTheModelAreKeptForAnyClassCount() throws Exception {
        Model m = SeededInit.create(denseHead(16, 3), 6).foldBatchNorm();
        Path f = tmp.resolve("tm.tflite");
        Files.write(f, TfliteTestModels.write(m, false));
        Files.writeString(tmp.resolve("labels.txt"), "rock\npaper\nscissors\n");
        assertEquals(List.of("rock", "paper", "scissors"), TfliteImporter.load(f).labels());
    }

    @Test
    void aV1At64x96ImportsAsThatSpec() throws Exception {
        ModelSpec spec = new ModelSpec(0.25, new org.mobilenet.engine.arch.Resolution(64, 96), 5, Variant.SEPARABLE,
                Padding.TF_SAME, true);
        Model m = SeededInit.create(spec, 8).foldBatchNorm();
        Path f = tmp.resolve("wide.tflite");
        Files.write(f, TfliteTestModels.write(m, false));
        Model back = TfliteImporter.load(f);
        assertEquals(64, back.inputHeight());
        assertEquals(96, back.inputWidth());
        float[] x = SeededInit.uniform(new SplittableRandom(5), 64 * 96 * 3, 1f);
        assertArrayEquals(Network.compile(m).forward(x, 1), Network.compile(back).forward(x, 1), 1e-6f);
    }
}
