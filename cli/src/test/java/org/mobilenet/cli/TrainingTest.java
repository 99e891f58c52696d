package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingTest {

    /**
     * The launcher's archive holds what the training run loads; a step that stopped working (a renamed
     * option, a moved class) would silently leave its classes out, so every step must still pass.
     */
    @Test
    void everyStepOfTheTrainingRunSucceedsAndLeavesStdoutAlone() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        List<String> failed = Training.exercise();
        assertEquals(List.of(), failed);
        assertSame(out, System.out);
        assertSame(err, System.err);
    }
}
