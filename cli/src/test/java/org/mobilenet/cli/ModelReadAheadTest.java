package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** main() reads a classify command's model while picocli sets up: the command must see exactly what its own read would. */
class ModelReadAheadTest {
    @TempDir
    Path tmp;

    private static Path shared(String sub) {
        Path p = CliRun.shared().resolve(sub);
        assertTrue(Files.exists(p), "shared data missing: " + p + " (set -Dmobilenet.shared)");
        return p;
    }

    private Path modelCopy() throws Exception {
        Path m = tmp.resolve("m.tflite");
        Files.copy(shared("models/mobilenet_v1_0.25_128_quant.tflite"), m, StandardCopyOption.REPLACE_EXISTING);
        return m;
    }

    @Test
    void theCommandTakesTheModelReadAheadAndReadsTheFileItselfAfterThat() throws Exception {
        Path m = modelCopy();
        String cat = shared("images/cat.bmp").toString();
        CliRun direct = CliRun.of("classify", "-m", m.toString(), "--format", "csv", cat);
        assertEquals(0, direct.code(), direct.err());

        Session session = new Session();
        session.readAhead(m).get();
        Files.delete(m); // only the read made ahead can give the command its model now
        CliRun ahead = CliRun.of(session, "classify", "-m", m.toString(), "--format", "csv", cat);
        assertEquals(0, ahead.code(), ahead.err());
        assertEquals(direct.out(), ahead.out());

        CliRun again = CliRun.of(session, "classify", "-m", m.toString(), cat); // the read is taken once
        assertEquals(ExitCode.BAD_INPUT, again.code());
        assertTrue(again.err().contains(m + ": no such file"), again.err());
    }

    @Test
    void aFailedReadAheadFailsTheCommandAsItsOwnReadWould() throws Exception {
        Path missing = tmp.resolve("missing.tflite");
        String cat = shared("images/cat.bmp").toString();
        CliRun direct = CliRun.of("classify", "-m", missing.toString(), cat);
        Session session = new Session();
        session.readAhead(missing);
        CliRun ahead = CliRun.of(session, "classify", "-m", missing.toString(), cat);
        assertEquals(ExitCode.BAD_INPUT, direct.code());
        assertEquals(direct.code(), ahead.code());
        assertEquals(direct.err(), ahead.err());

        Path notAModel = tmp.resolve("bad.tflite");
        Files.write(notAModel, new byte[] {1, 2, 3});
        direct = CliRun.of("classify", "-m", notAModel.toString(), cat);
        session.readAhead(notAModel);
        ahead = CliRun.of(session, "classify", "-m", notAModel.toString(), cat);
        assertEquals(ExitCode.BAD_INPUT, ahead.code());
        assertEquals(direct.err(), ahead.err());
    }

    @Test
    void aReadAheadOfAnotherFileIsLeftAlone() throws Exception {
        Path m = modelCopy();
        Session session = new Session();
        session.readAhead(tmp.resolve("other.tflite")); // missing: used, it would fail the command
        CliRun r = CliRun.of(session, "classify", "-m", m.toString(), shared("images/cat.bmp").toString());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void mainFindsTheModelFileAsPicocliWould() {
        assertEquals(Path.of("a.tflite"), Main.modelFile(new String[] {"classify", "-m", "a.tflite", "x.jpg"}));
        assertEquals(Path.of("a.tflite"), Main.modelFile(new String[] {"classify", "x.jpg", "--model", "a.tflite"}));
        assertEquals(Path.of("b.onnx"), Main.modelFile(new String[] {"classify", "--model=b.onnx", "x.jpg"}));
        assertEquals(Path.of("b.onnx"), Main.modelFile(new String[] {"classify", "-m=b.onnx", "x.jpg"}));
        assertNull(Main.modelFile(new String[] {"classify", "x.jpg", "-m"}));
        assertNull(Main.modelFile(new String[] {"classify", "--", "-m", "a.tflite"}));
        assertNull(Main.modelFile(new String[] {"classify", "--model=", "x.jpg"}));
        assertNull(Main.modelFile(new String[] {"classify", "x.jpg"}));
        assertNull(Main.modelFile(new String[] {"classify", "-m", "a\0b", "x.jpg"}));
    }
}
