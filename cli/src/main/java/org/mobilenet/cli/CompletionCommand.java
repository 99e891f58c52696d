package org.mobilenet.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mobilenet completion [bash|zsh]}: prints a shell completion script generated from the command tree. */
@Command(name = "completion", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = {
            "Print a tab-completion script for bash or zsh, covering every subcommand, option and file argument.",
            "bash: add 'source <(mobilenet completion bash)' to ~/.bashrc.",
            "zsh: add 'source <(mobilenet completion zsh)' to ~/.zshrc; the script loads zsh's bash completion "
                + "support itself (autoload -U bashcompinit && bashcompinit).",
        })
public final class CompletionCommand implements Callable<Integer> {

    /** The shells a script can be printed for. */
    public enum Shell { bash, zsh }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", defaultValue = "bash", paramLabel = "SHELL",
            description = "bash or zsh (default: ${DEFAULT-VALUE}).")
    Shell shell;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(script(shell));
        out.flush();
        return ExitCode.OK;
    }

    /** The completion script for {@code shell}, generated from a fresh command tree. */
    public static String script(Shell shell) {
        String bash = AutoComplete.bash("mobilenet", Main.commandLine(false));
        if (shell == Shell.zsh) {
            // The bash script detects zsh and runs compinit (when not yet done) and bashcompinit itself.
            return "# zsh completion for mobilenet: the bash script below, loaded through zsh's bashcompinit.\n"
                    + "# Use: source <(mobilenet completion zsh)   (e.g. in ~/.zshrc)\n"
                    + bash;
        }
        return bash;
    }
}
