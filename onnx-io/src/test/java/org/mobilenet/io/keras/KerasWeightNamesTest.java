package org.mobilenet.io.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which weight names in a nested model's group are a layer's variables. */
class KerasWeightNamesTest {
    @Test
    void aLayersVariablesAreTheNamesOfItsLayerThenTheVariable() {
        List<String> names = List.of("Conv1/kernel:0", "Conv1_bn/gamma:0", "block_1_depthwise/depthwise_kernel:0");
        assertEquals(List.of("Conv1/kernel:0"), KerasWeights.variablesOf(names, "Conv1"));
        assertEquals(List.of("block_1_depthwise/depthwise_kernel:0"),
                KerasWeights.variablesOf(names, "block_1_depthwise"));
    }

    @Test
    void namesPrefixedByTheirModelAreFoundWhenNoneIsExact() {
        List<String> names = List.of("mobilenetv2_1.00_224/Conv1/kernel:0", "mobilenetv2_1.00_224/Conv1_bn/gamma:0");
        assertEquals(List.of("mobilenetv2_1.00_224/Conv1/kernel:0"), KerasWeights.variablesOf(names, "Conv1"));
    }

    @Test
    void layerNamesWithSlashesOwnOnlyTheirOwnVariables() {
        // tf.keras's MobileNetV3: 'Conv', its BatchNormalization 'Conv/BatchNorm', and squeeze-and-excite
        // convolutions named '.../squeeze_excite/Conv'.
        List<String> names = List.of("Conv/kernel:0", "Conv/BatchNorm/gamma:0",
                "expanded_conv/squeeze_excite/Conv/kernel:0", "expanded_conv/squeeze_excite/Conv/bias:0");
        assertEquals(List.of("Conv/kernel:0"), KerasWeights.variablesOf(names, "Conv"));
        assertEquals(List.of("Conv/BatchNorm/gamma:0"), KerasWeights.variablesOf(names, "Conv/BatchNorm"));
        assertEquals(List.of("expanded_conv/squeeze_excite/Conv/kernel:0", "expanded_conv/squeeze_excite/Conv/bias:0"),
                KerasWeights.variablesOf(names, "expanded_conv/squeeze_excite/Conv"));
    }
}
