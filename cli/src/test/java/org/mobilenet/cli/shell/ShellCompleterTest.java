package org.mobilenet.cli.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Parser.ParseContext;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobilenet.cli.Session;

class ShellCompleterTest {
    private final ShellCompleter completer = new ShellCompleter(
            ShellCommands.tree(new Session(), file -> { throw new AssertionError("no loading"); }, false).getCommandSpec());
    private Terminal terminal;
    private LineReader reader;

    @BeforeEach
    void reader() throws IOException {
        terminal = new DumbTerminal("test", Terminal.TYPE_DUMB, new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(), StandardCharsets.UTF_8);
        reader = LineReaderBuilder.builder().terminal(terminal).build();
    }

    @AfterEach
    void close() throws IOException {
        terminal.close();
    }

    private List<String> complete(String line) {
        List<Candidate> candidates = new ArrayList<>();
        completer.complete(reader, new DefaultParser().parse(line, line.length(), ParseContext.COMPLETE), candidates);
        return candidates.stream().map(Candidate::value).toList();
    }

    @Test
    void firstWordCompletesToCommandsIncludingShellBuiltins() {
        List<String> c = complete("");
        assertTrue(c.containsAll(List.of("profile", "completion", "load", "unload", "help")), c.toString());
        assertFalse(c.contains("shell"), c.toString());
    }

    @Test
    void dashCompletesToTheSubcommandsOptions() {
        List<String> c = complete("profile --");
        assertTrue(c.containsAll(List.of("--alpha", "--format", "--measure", "--help")), c.toString());
    }

    @Test
    void enumOptionValuesCompleteInLowerCase() {
        assertEquals(List.of("table", "json", "csv", "markdown"), complete("profile --format "));
        assertEquals(List.of("bash", "zsh"), complete("completion "));
    }

    @Test
    void pathArgumentsCompleteToFileNames(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("mobilenet_v1.tflite"), "x");
        List<String> c = complete("load " + dir + "/mob");
        assertEquals(List.of(dir + "/mobilenet_v1.tflite"), c);
    }
}
