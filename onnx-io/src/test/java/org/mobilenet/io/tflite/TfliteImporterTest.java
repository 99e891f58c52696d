package org.mobilenet.io.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.arch.Padding;
import org.mobilenet.engine.arch.Variant;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.io.SharedData;

class TfliteImporterTest {

    @Test
    void quantizedClassifierBecomesSeparableTfSameModelWith1001Classes() throws Exception {
        Model m = TfliteImporter.load(SharedData.model("mobilenet_v1_0.25_128_quant.tflite"));
        assertEquals(0.25, m.spec().alpha(), 1e-9);
        assertEquals(128, m.spec().resolution());
        assertEquals(1001, m.spec().classes());
        assertEquals(Variant.SEPARABLE, m.spec().variant());
        assertEquals(Padding.TF_SAME, m.spec().padding());
        assertTrue(m.spec().softmax());
        assertFalse(m.hasBatchNorm());
        assertArrayEquals(new int[] {1001, 256}, m.tensor("fc.weight").shape());
        assertArrayEquals(new int[] {8, 3, 3, 3}, m.tensor("conv1.weight").shape());
        assertArrayEquals(new int[] {8}, m.tensor("conv1.bias").shape());
    }

    @Test
    void otherWidthsAndResolutionsAreRecognised() throws Exception {
        Model half = TfliteImporter.load(SharedData.model("mobilenet_v1_0.5_160_quant.tflite"));
        assertEquals(0.5, half.spec().alpha(), 1e-9);
        assertEquals(160, half.spec().resolution());
        Model threeQ = TfliteImporter.load(SharedData.model("mobilenet_v1_0.75_192_quant.tflite"));
        assertEquals(0.75, threeQ.spec().alpha(), 1e-9);
        assertEquals(192, threeQ.spec().resolution());
        assertEquals(768, threeQ.spec().featureWidth());
    }

    @Test
    void embeddingExtractorHasNoClassifierAnd1024Features() throws Exception {
        Model m = TfliteImporter.load(SharedData.model("mobilenet_v1_1.0_224_quant_embedding_extractor.tflite"));
        assertEquals(0, m.spec().classes());
        assertEquals(1024, m.spec().outputSize());
        assertEquals(224, m.spec().resolution());
        assertTrue(m.labels().isEmpty());
    }

    @Test
    void preprocessingComesFromTheInputQuantization() throws Exception {
        Model m = TfliteImporter.load(SharedData.model("mobilenet_v1_0.25_128_quant.tflite"));
        Preprocessing p = m.preprocessing();
        assertArrayEquals(new float[] {128, 128, 128}, p.mean());
        assertArrayEquals(new float[] {128, 128, 128}, p.std());
        assertEquals(Preprocessing.ChannelOrder.RGB, p.order());
        assertEquals(Preprocessing.Resize.STRETCH, p.resize());
    }

    @Test
    void labelsAreReadFromTheZipEmbeddedInTheModel(@TempDir Path tmp) throws Exception {
        // Copy to a folder without imagenet_labels.txt, so only the embedded archive can supply them.
        Path copy = tmp.resolve("m.tflite");
        Files.copy(SharedData.model("mobilenet_v1_0.25_128_quant.tflite"), copy);
        Model m = TfliteImporter.load(copy);
        assertEquals(1001, m.labels().size());
        assertEquals("background", m.labels().get(0));
        assertEquals("tiger cat", m.labels().get(283));
        assertEquals("Egyptian cat", m.labels().get(286));
        assertEquals("embedded imagenet_labels.txt", m.metadata().get("labels"));
    }

    @Test
    void labelsFallBackToAFileNextToTheModel(@TempDir Path tmp) throws Exception {
        // Break the embedded zip's end-of-central-directory signature: only the sibling file is left.
        byte[] b = Files.readAllBytes(SharedData.model("mobilenet_v1_0.25_128_quant.tflite"));
        boolean broken = false;
        for (int i = b.length - 22; i >= 0 && !broken; i--) {
            if (b[i] == 'P' && b[i + 1] == 'K' && b[i + 2] == 5 && b[i + 3] == 6) {
                b[i] = 'X';
                broken = true;
            }
        }
        assertTrue(broken, "the model ends with a zip archive");
        Path copy = tmp.resolve("m.tflite");
        Files.write(copy, b);
        // Alone, the cut archive is an error (its labels would be silently missing)...
        org.mobilenet.io.BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.mobilenet.io.BadInputException.class, () -> TfliteImporter.load(copy));
        assertTrue(e.getMessage().contains("cannot be read (cut short or damaged)"), e.getMessage());
        // ...which a label file next to the model makes good.
        java.util.List<String> lines = Files.readAllLines(SharedData.model("imagenet_labels.txt"));
        Files.write(tmp.resolve("imagenet_labels.txt"), lines.subList(1, lines.size()));
        Model m = TfliteImporter.load(copy);
        assertEquals(1001, m.labels().size());
        assertEquals("background", m.labels().get(0));
        assertEquals("tiger cat", m.labels().get(283));
    }

    @Test
    void weightsAreDequantizedAndTransposedFromOhwi() throws Exception {
        Path path = SharedData.model("mobilenet_v1_0.25_128_quant.tflite");
        TfliteFile f = TfliteFile.read(path);
        TfliteOperator stem = f.operators().get(0);
        TfliteTensor w = f.tensor(stem.inputs()[1]);
        ByteBuffer raw = f.tensorBytes(w);
        float scale = w.quantization().scale()[0];
        long zp = w.quantization().zeroPoint()[0];
        Model m = TfliteImporter.load(path);
        float[] torch = m.tensor("conv1.weight").data();
        // OHWI [8,3,3,3] element (o=5, y=2, x=1, i=2) is torch [8,3,3,3] element (o=5, i=2, y=2, x=1).
        int ohwi = ((5 * 3 + 2) * 3 + 1) * 3 + 2;
        int oihw = ((5 * 3 + 2) * 3 + 2) * 3 + 1;
        assertEquals(scale * ((raw.get(ohwi) & 0xFF) - zp), torch[oihw], 1e-7);
        // Depthwise [1,3,3,8] element (y=1, x=0, c=6) is torch [8,1,3,3] element (c=6, y=1, x=0).
        TfliteTensor dw = f.tensor(f.operators().get(1).inputs()[1]);
        ByteBuffer dwRaw = f.tensorBytes(dw);
        float dwScale = dw.quantization().scale()[0];
        long dwZp = dw.quantization().zeroPoint()[0];
        float[] dwTorch = m.tensor("blocks.0.dw.weight").data();
        assertEquals(dwScale * ((dwRaw.get((1 * 3 + 0) * 8 + 6) & 0xFF) - dwZp), dwTorch[(6 * 3 + 1) * 3 + 0], 1e-7);
        // The int32 bias uses its own scale (zero point 0).
        TfliteTensor b = f.tensor(stem.inputs()[2]);
        ByteBuffer bRaw = f.tensorBytes(b);
        assertEquals(b.quantization().scale()[0] * bRaw.getInt(3 * 4), m.tensor("conv1.bias").data()[3], 1e-7);
    }

    @Test
    void modelMetadataNamesTheFormatAndSource() throws Exception {
        Model m = TfliteImporter.load(SharedData.model("mobilenet_v1_0.25_128_quant.tflite"));
        assertEquals("tflite", m.metadata().get("format"));
        assertEquals("mobilenet_v1_0.25_128_quant.tflite", m.metadata().get("source"));
        assertEquals("ImageClassifier", m.metadata().get("name"));
    }
}
