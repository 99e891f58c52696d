package org.mobilenet.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BadInputExceptionTest {
    @Test
    void controlCharactersFromHostileNamesAreEscapedSoTheMessageStaysOneLine() {
        BadInputException e = new BadInputException(Path.of("m.onnx"), "tensor 'a\nb\r\0\u001b[2J' is missing");
        assertEquals("m.onnx: tensor 'a\\u000ab\\u000d\\u0000\\u001b[2J' is missing", e.getMessage());
        assertEquals("tensor 'a\\u000ab\\u000d\\u0000\\u001b[2J' is missing", e.problem());
    }

    @Test
    void printableMessagesAreKeptAsTheyAre() {
        assertEquals("x.tflite: bad ünïcode name", new BadInputException(Path.of("x.tflite"), "bad ünïcode name").getMessage());
    }
}
