package org.mobilenet.io.keras;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which layer a weight name in a nested model's group belongs to. */
class KerasWeightNamesTest {
    @Test
    void aWeightBelongsToTheLayerNamedBeforeItsVariable() {
        assertTrue(KerasWeights.ownedBy("block_1_depthwise/depthwise_kernel:0", "block_1_depthwise"));
        assertTrue(KerasWeights.ownedBy("mobilenetv2_1.00_224/Conv1/kernel:0", "Conv1"));
        assertFalse(KerasWeights.ownedBy("Conv1_bn/gamma:0", "Conv1"));
    }

    @Test
    void aLayerNameWithSlashesOwnsOnlyItsOwnVariables() {
        // tf.keras's MobileNetV3: layer 'Conv' and its BatchNormalization 'Conv/BatchNorm'.
        assertTrue(KerasWeights.ownedBy("Conv/BatchNorm/gamma:0", "Conv/BatchNorm"));
        assertFalse(KerasWeights.ownedBy("Conv/BatchNorm/gamma:0", "Conv"));
        assertTrue(KerasWeights.ownedBy("Conv/kernel:0", "Conv"));
    }
}
