package org.mobilenet.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KernelChoiceTest {

    @Test
    void defaultKernelsNameIsTheNameOfTheKernelsDefaultKernelsMakesForEverySetting() {
        String old = System.getProperty("mobilenet.kernels");
        try {
            // null: the environment's choice (MOBILENET_KERNELS) or auto; "fast" is not a set: auto too.
            for (String setting : new String[] {null, "scalar", "loops", "vector", "auto", " Loops ", "fast"}) {
                if (setting == null) {
                    System.clearProperty("mobilenet.kernels");
                } else {
                    System.setProperty("mobilenet.kernels", setting);
                }
                assertEquals(KernelChoice.defaultKernels().name(), KernelChoice.defaultKernelsName(), "setting " + setting);
            }
            System.setProperty("mobilenet.kernels", " Loops ");
            assertEquals("loops", KernelChoice.defaultKernelsName());
        } finally {
            if (old == null) {
                System.clearProperty("mobilenet.kernels");
            } else {
                System.setProperty("mobilenet.kernels", old);
            }
        }
    }
}
