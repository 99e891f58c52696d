package org.mobilenet.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.mobilenet.cli.shell.Shell;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mobilenet shell}: an interactive prompt over the same commands, with a model that stays loaded. */
@Command(name = "shell", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = {
            "Start an interactive prompt: each line is a mobilenet command without the word 'mobilenet'.",
            "'load FILE' reads a model once and keeps it: the following commands use it when --model is not given; "
                + "'unload' forgets it. 'help [COMMAND]' prints help; 'exit', 'quit' or Ctrl-D leaves.",
            "Tab completes commands, options and file names; history is kept across sessions. "
                + "An error prints its one-line message and the prompt comes back. Lines starting with # are"
                + " comments (for scripts piped in).",
        })
public final class ShellCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--history", paramLabel = "FILE",
            description = "The history file (default: ~/.mobilenet_history).")
    Path history = Path.of(System.getenv().getOrDefault("HOME", System.getProperty("user.home")), ".mobilenet_history");

    @Override
    public Integer call() throws Exception {
        boolean debug = spec.root().userObject() instanceof MobilenetCommand m && m.debug;
        boolean interactive = System.console() != null;
        try (Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).name("mobilenet").build()) {
            // Interactive: errors go to the terminal so they appear before the next prompt (the launcher filters
            // stderr through a pipe, which would deliver them late); piped input keeps stderr for scripts.
            PrintWriter err = interactive ? terminal.writer() : new PrintWriter(System.err, true);
            Shell shell = new Shell(terminal, Session.of(spec), ModelLoader.files(), history, err, debug);
            shell.showPrompt(interactive); // piped input: output only, no prompts
            shell.run();
            // A piped script fails like a script: with the exit code of its first failing command.
            return interactive ? ExitCode.OK : shell.firstFailure();
        }
    }
}
