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
                + "An error prints its one-line message and the prompt comes back.",
        })
public final class ShellCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--history", paramLabel = "FILE",
            description = "The history file (default: ~/.mobilenet_history).")
    Path history = Path.of(System.getProperty("user.home"), ".mobilenet_history");

    @Override
    public Integer call() throws Exception {
        boolean debug = spec.root().userObject() instanceof MobilenetCommand m && m.debug;
        try (Terminal terminal = TerminalBuilder.builder().system(true).name("mobilenet").build()) {
            PrintWriter err = new PrintWriter(System.err, true);
            new Shell(terminal, Session.of(spec), ModelLoader.files(), history, err, debug).run();
        }
        return ExitCode.OK;
    }
}
