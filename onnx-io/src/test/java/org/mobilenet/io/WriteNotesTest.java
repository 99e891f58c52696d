package org.mobilenet.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mobilenet.engine.model.Model;

/** What a format drops from a model is said, not silent: quantization, labels, the background row, the size. */
class WriteNotesTest {
    private static boolean any(List<String> notes, String part) {
        return notes.stream().anyMatch(n -> n.contains(part));
    }

    @Test
    void formatsThatHoldFloatWeightsOnlySayAQuantizedModelIsWrittenDequantized() throws Exception {
        Model quantized = ModelFiles.load(SharedData.model("mobilenet_v1_0.5_160_quant.tflite"));
        assertTrue(quantized.isQuantized());
        String dequantized = "is quantized and ";
        assertEquals(List.of("the model is quantized and safetensors files hold float weights: it is written dequantized"
                + " (TFLite and ONNX files keep it quantized)"), ModelFormats.SAFETENSORS.writeNotes(quantized));
        List<String> h5 = ModelFormats.KERAS_H5.writeNotes(quantized);
        assertTrue(any(h5, "quantized and Keras files hold float weights"), h5.toString());
        assertTrue(any(h5, "holds no class labels (the model's 1001 are not written)"), h5.toString());
        assertTrue(any(h5, "begin with 'background'"), h5.toString());
        assertTrue(any(h5, "does not hold the input size (160)"), h5.toString());
        List<String> archive = ModelFormats.KERAS.writeNotes(quantized);
        assertTrue(any(archive, dequantized) && !any(archive, "input size"), archive.toString());
        assertEquals(List.of(), ModelFormats.TFLITE.writeNotes(quantized));
        assertEquals(List.of(), ModelFormats.ONNX.writeNotes(quantized));

        Model real = quantized.dequantized();
        assertEquals(List.of(), ModelFormats.SAFETENSORS.writeNotes(real));
        assertTrue(!any(ModelFormats.KERAS_H5.writeNotes(real), dequantized));
    }
}
