package org.mobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.engine.model.UnsupportedModelException;
import picocli.CommandLine;

/** main() reads a classify command's model while picocli sets up: the command must see exactly what its own read would. */
class ModelReadAheadTest {
    @TempDir
    Path tmp;

    private static String cat() {
        return CliRun.shared("images/cat.bmp").toString();
    }

    private Path modelCopy() throws Exception {
        Path m = tmp.resolve("m.tflite");
        Files.copy(CliRun.shared("models/mobilenet_v1_0.25_128_quant.tflite"), m, StandardCopyOption.REPLACE_EXISTING);
        return m;
    }

    @Test
    void theCommandTakesTheModelReadAheadAndReadsTheFileItselfAfterThat() throws Exception {
        Path m = modelCopy();
        CliRun direct = CliRun.of("classify", "-m", m.toString(), "--format", "csv", cat());
        assertEquals(0, direct.code(), direct.err());

        Session session = new Session();
        session.readAhead(m).get();
        Files.delete(m); // only the read made ahead can give the command its model now
        CliRun ahead = CliRun.of(session, "classify", "-m", m.toString(), "--format", "csv", cat());
        assertEquals(0, ahead.code(), ahead.err());
        assertEquals(direct.out(), ahead.out());

        CliRun again = CliRun.of(session, "classify", "-m", m.toString(), cat()); // the read is taken once
        assertEquals(ExitCode.BAD_INPUT, again.code());
        assertTrue(again.err().contains(m + ": no such file"), again.err());
    }

    @Test
    void mainReadsAheadForClassifyAndRunsTheCommandWithThatSession() throws Exception {
        Path m = modelCopy();
        String[] args = {"classify", "-m", m.toString(), "--format", "csv", cat()};
        CliRun direct = CliRun.of(args);
        Session session = Main.start(Main.subcommand(args), args);
        assertNotNull(session.pendingRead(m), "classify's model is read ahead");
        session.pendingRead(m).get();
        Files.delete(m); // only the read made ahead can give the command its model now
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = Main.run(session, args);
        } finally {
            System.setOut(out);
        }
        assertEquals(0, code);
        assertEquals(direct.out(), captured.toString(StandardCharsets.UTF_8));
        assertNull(session.pendingRead(m), "taken");
    }

    @Test
    void mainStartsNoReadForOtherSubcommands() throws Exception {
        Path m = modelCopy();
        for (String[] args : new String[][] {
            {"run", "-m", m.toString(), "classify"}, // 'classify' here is not the subcommand
            {"info", "-m", m.toString()},
            {"shell"},
        }) {
            assertNull(Main.start(Main.subcommand(args), args).pendingRead(m), String.join(" ", args));
        }
    }

    @Test
    void aFailedReadAheadFailsTheCommandAsItsOwnReadWould() throws Exception {
        Path missing = tmp.resolve("missing.tflite");
        CliRun direct = CliRun.of("classify", "-m", missing.toString(), cat());
        Session session = new Session();
        session.readAhead(missing);
        CliRun ahead = CliRun.of(session, "classify", "-m", missing.toString(), cat());
        assertEquals(ExitCode.BAD_INPUT, direct.code());
        assertEquals(direct.code(), ahead.code());
        assertEquals(direct.err(), ahead.err());

        Path notAModel = tmp.resolve("bad.tflite");
        Files.write(notAModel, new byte[] {1, 2, 3});
        direct = CliRun.of("classify", "-m", notAModel.toString(), cat());
        session.readAhead(notAModel);
        ahead = CliRun.of(session, "classify", "-m", notAModel.toString(), cat());
        assertEquals(ExitCode.BAD_INPUT, ahead.code());
        assertEquals(direct.err(), ahead.err());
    }

    @Test
    void aReadAheadsRuntimeExceptionsAndErrorsComeBackAsThemselves() throws Exception {
        Path p = tmp.resolve("x.tflite");
        UnsupportedModelException unsupported = new UnsupportedModelException("no such layer kind here");
        Session session = new Session();
        session.readAhead(p, f -> {
            throw unsupported;
        });
        assertSame(unsupported, assertThrows(UnsupportedModelException.class, () -> session.model(p)));

        session.readAhead(p, f -> {
            throw unsupported;
        });
        CliRun r = CliRun.of(session, "classify", "-m", p.toString(), cat());
        assertEquals(ExitCode.BAD_INPUT, r.code());
        assertEquals("mobilenet classify: no such layer kind here", r.err().strip());

        StackOverflowError error = new StackOverflowError();
        session.readAhead(p, f -> {
            throw error;
        });
        assertSame(error, assertThrows(StackOverflowError.class, () -> session.model(p)));
    }

    @Test
    void aReadAheadOfAnotherFileIsLeftAlone() throws Exception {
        Path m = modelCopy();
        Session session = new Session();
        session.readAhead(tmp.resolve("other.tflite")); // missing: used, it would fail the command
        CliRun r = CliRun.of(session, "classify", "-m", m.toString(), cat());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void mainFindsTheModelFileAsPicocliDoes() {
        String[][] lines = {
            {"classify", "-m", "a.tflite", "x.jpg"},
            {"classify", "x.jpg", "--model", "a.tflite"},
            {"classify", "--model=b.onnx", "x.jpg"},
            {"classify", "-m=b.onnx", "x.jpg"},
            {"classify", "-m", "c=d.tflite", "x.jpg"},
            {"classify", "--top-k", "3", "-m", "a.tflite", "x.jpg"},
            {"classify", "x.jpg"},
        };
        for (String[] args : lines) {
            CommandLine.ParseResult parsed = Main.commandLine(false).parseArgs(args);
            ClassifyCommand c = (ClassifyCommand) parsed.subcommand().commandSpec().userObject();
            assertEquals(c.model, Main.modelFile(args), String.join(" ", args));
        }
        assertNull(Main.modelFile(new String[] {"classify", "x.jpg", "-m"}));
        assertNull(Main.modelFile(new String[] {"classify", "--", "-m", "a.tflite"}));
        assertNull(Main.modelFile(new String[] {"classify", "--model=", "x.jpg"}));
        assertNull(Main.modelFile(new String[] {"classify", "-m", "a\0b", "x.jpg"}));
        assertEquals("classify", Main.subcommand(new String[] {"--debug", "classify", "-m", "a.tflite"}));
        assertNull(Main.subcommand(new String[] {"--version"}));
    }
}
