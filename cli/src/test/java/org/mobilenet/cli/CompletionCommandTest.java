package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CompletionCommandTest {

    @Test
    void bashScriptCoversSubcommandsAndTheirOptions() {
        CliRun r = CliRun.of("completion", "bash");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("complete -F _complete_mobilenet"), r.out());
        assertTrue(r.out().contains("function _picocli_mobilenet_profile()"), r.out());
        assertTrue(r.out().contains("--include-bias-bn"), r.out());
        assertTrue(r.out().contains("\"table\" \"json\" \"csv\" \"markdown\""), r.out());
        // Options taking one of a few words as a string complete to those words.
        for (String words : new String[] {"\"java\" \"ort\"", "\"stretch\" \"center-crop\"",
            "\"onnx\" \"safetensors\" \"tflite\" \"keras-h5\" \"keras\"", "\"separable\" \"conv\" \"shallow\"",
            "\"l1\" \"l2\" \"random\""}) {
            assertTrue(r.out().contains(words), words);
        }
    }

    @Test
    void bashIsTheDefault() {
        assertEquals(CliRun.of("completion", "bash").out(), CliRun.of("completion").out());
    }

    @Test
    void zshScriptLoadsBashCompletionThroughBashcompinit() {
        CliRun r = CliRun.of("completion", "zsh");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("# zsh completion for mobilenet"), r.out());
        assertTrue(r.out().contains("autoload -U +X bashcompinit && bashcompinit"), r.out());
        assertTrue(r.out().contains("function _picocli_mobilenet_shell()"), r.out());
    }

    @Test
    void unknownShellIsAUsageError() {
        CliRun r = CliRun.of("completion", "fish");
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().startsWith("mobilenet completion: "), r.err());
    }
}
