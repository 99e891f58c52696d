package org.mobilenet.engine.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LayerSpecTest {

    private static final Shape MAP = new Shape(14, 14, 64);

    @Test
    void theOldConstructorGivesConvsReluSixAndEverythingElseNoActivation() {
        LayerSpec pw = new LayerSpec("pw", LayerKind.POINTWISE, 1, 1, Pads.NONE, MAP, MAP);
        assertEquals(Activation.RELU6, pw.activation());
        assertNull(pw.addend());
        Shape pooled = new Shape(1, 1, 64);
        assertEquals(Activation.NONE, new LayerSpec("pool", LayerKind.AVG_POOL, 14, 1, Pads.NONE, MAP, pooled).activation());
        assertEquals(Activation.NONE,
                new LayerSpec("fc", LayerKind.FC, 1, 1, Pads.NONE, pooled, new Shape(1, 1, 10)).activation());
    }

    @Test
    void aLayerCarriesItsOwnActivation() {
        LayerSpec project = new LayerSpec("project", LayerKind.POINTWISE, 1, 1, Pads.NONE, MAP, MAP, Activation.NONE, null);
        assertEquals(Activation.NONE, project.activation());
        assertEquals(Activation.RELU, project.withActivation(Activation.RELU).activation());
    }

    @Test
    void aResidualAddKeepsItsShapeAndNamesWhatItAdds() {
        LayerSpec add = LayerSpec.add("blocks.2.add", MAP, "blocks.1.project");
        assertEquals(LayerKind.ADD, add.kind());
        assertEquals(MAP, add.out());
        assertEquals("blocks.1.project", add.addend());
        assertNull(add.weightShape());
    }

    @Test
    void anAddWithoutAddendOrThatChangesShapeIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new LayerSpec("add", LayerKind.ADD, 1, 1, Pads.NONE, MAP, MAP, Activation.NONE, null));
        assertThrows(IllegalArgumentException.class,
                () -> new LayerSpec("add", LayerKind.ADD, 1, 1, Pads.NONE, MAP, new Shape(14, 14, 32), Activation.NONE, "x"));
        assertThrows(IllegalArgumentException.class,
                () -> new LayerSpec("add", LayerKind.ADD, 1, 2, Pads.NONE, MAP, MAP, Activation.NONE, "x"));
    }

    @Test
    void onlyAnAddHasAnAddend() {
        assertThrows(IllegalArgumentException.class,
                () -> new LayerSpec("pw", LayerKind.POINTWISE, 1, 1, Pads.NONE, MAP, MAP, Activation.RELU6, "x"));
    }

    @Test
    void poolingAndSoftmaxHaveNoActivation() {
        assertThrows(IllegalArgumentException.class, () -> new LayerSpec("pool", LayerKind.AVG_POOL, 14, 1, Pads.NONE,
                MAP, new Shape(1, 1, 64), Activation.RELU, null));
    }
}
