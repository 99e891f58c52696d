package org.mobilenet.cli.shell;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Parser;
import org.jline.reader.SyntaxError;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.mobilenet.cli.ExitCode;
import org.mobilenet.cli.ModelLoader;
import org.mobilenet.cli.Session;
import picocli.CommandLine;

/**
 * The read-eval loop of {@code mobilenet shell}: one line is one {@code mobilenet} command line without the
 * {@code mobilenet}. Errors print their usual one-line message and the loop goes on; {@code exit}, {@code quit}
 * or end of input (Ctrl-D) leave.
 */
public final class Shell {
    private final Terminal terminal;
    private final Session session;
    private final ModelLoader loader;
    private final Path historyFile;
    private final PrintWriter err;
    private final boolean debug;
    private int lastExitCode;
    private int firstFailure;
    private boolean showPrompt = true;

    /**
     * @param terminal    where lines are read and command output is written
     * @param historyFile the history, loaded at start and appended to after every line
     * @param err         where error messages go
     */
    public Shell(Terminal terminal, Session session, ModelLoader loader, Path historyFile, PrintWriter err, boolean debug) {
        this.terminal = terminal;
        this.session = session;
        this.loader = loader;
        this.historyFile = historyFile;
        this.err = err;
        this.debug = debug;
    }

    /** Reads and runs lines until exit, quit or end of input. */
    public void run() throws IOException {
        DefaultParser parser = new DefaultParser();
        parser.setEscapeChars(new char[0]); // backslashes are literal (paths)
        LineReader reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("mobilenet")
                .parser(parser)
                .completer(new ShellCompleter(ShellCommands.tree(session, loader, debug).getCommandSpec()))
                .variable(LineReader.HISTORY_FILE, historyFile)
                .build();
        PrintWriter out = terminal.writer();
        try {
            boolean more = true;
            while (more) {
                String line;
                try {
                    line = reader.readLine(prompt());
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C drops the line being typed
                } catch (EndOfFileException e) {
                    line = e.getPartialLine(); // input ending without a newline still runs its last line
                    more = false;
                    if (line == null) {
                        break;
                    }
                }
                List<String> words;
                try {
                    words = parser.parse(line, line.length(), Parser.ParseContext.ACCEPT_LINE).words()
                            .stream().filter(w -> !w.isEmpty()).toList();
                } catch (SyntaxError e) {
                    err.println("mobilenet: " + e.getMessage());
                    err.flush();
                    lastExitCode = ExitCode.USAGE;
                    noteFailure();
                    continue;
                }
                if (words.isEmpty() || words.get(0).startsWith("#")) {
                    continue; // an empty line, or a comment in a script
                }
                if (words.size() == 1 && (words.get(0).equals("exit") || words.get(0).equals("quit"))) {
                    break;
                }
                lastExitCode = execute(words, out);
                if (out.checkError() | System.out.checkError()) {
                    // Standard output is gone (a closed pipe, a full disk): what follows would be lost too.
                    // A command that noticed itself (classify) has said so and exited 4.
                    if (lastExitCode == ExitCode.OK) {
                        err.println("mobilenet: standard output could not be written (closed, or the disk is full)");
                        err.flush();
                        lastExitCode = ExitCode.OUTPUT;
                    }
                    more = false;
                }
                noteFailure();
            }
        } finally {
            reader.getHistory().save();
            out.flush();
        }
    }

    /** Whether to print a prompt before each line (off when reading a script from a pipe). */
    public void showPrompt(boolean show) {
        this.showPrompt = show;
    }

    private void noteFailure() {
        if (firstFailure == 0) {
            firstFailure = lastExitCode;
        }
    }

    /** The exit code of the first command that failed, or 0 when all succeeded (a script's result). */
    public int firstFailure() {
        return firstFailure;
    }

    /** The exit code of the last command run. */
    public int lastExitCode() {
        return lastExitCode;
    }

    private int execute(List<String> words, PrintWriter out) {
        CommandLine cl = ShellCommands.tree(session, loader, debug || words.contains("--debug"));
        cl.setOut(out);
        cl.setErr(err);
        int code = cl.execute(words.toArray(String[]::new));
        out.flush();
        err.flush();
        return code;
    }

    private String prompt() {
        if (!showPrompt) {
            return "";
        }
        return session.modelFile().map(f -> "mobilenet [" + f.getFileName() + "]> ").orElse("mobilenet> ");
    }
}
