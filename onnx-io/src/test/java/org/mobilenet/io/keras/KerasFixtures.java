package org.mobilenet.io.keras;

import java.io.IOException;
import java.nio.file.Path;

/** Keras test files for tests in other packages (the fuzz campaigns). */
public final class KerasFixtures {
    private KerasFixtures() {
    }

    /** A tutorial-style functional MobileNet (alpha 0.25, 3 classes) as a whole-model Keras 2 .h5. */
    public static void tutorialWholeModel(Path file, int size) {
        KerasTestModels.writeLegacy(KerasTestModels.tutorial(0.25, size, 3, 1, false), file, true, false);
    }

    /** The same as a Keras 3 .keras archive. */
    public static void tutorialArchive(Path file, int size) throws IOException {
        KerasTestModels.writeArchive(KerasTestModels.tutorial(0.25, size, 3, 1, false), file);
    }
}
