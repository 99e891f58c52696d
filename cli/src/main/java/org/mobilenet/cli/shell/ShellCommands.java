package org.mobilenet.cli.shell;

import org.mobilenet.cli.Main;
import org.mobilenet.cli.ModelLoader;
import org.mobilenet.cli.Session;
import picocli.CommandLine;

/** The command tree inside the shell: every subcommand of {@code mobilenet} but {@code shell}, plus load, unload and help. */
public final class ShellCommands {
    private ShellCommands() {
    }

    /** A fresh tree (fresh option values) sharing {@code session}. */
    public static CommandLine tree(Session session, ModelLoader loader, boolean debug) {
        CommandLine cl = Main.commandLine(debug, session);
        cl.getCommandSpec().removeSubcommand("shell");
        cl.addSubcommand("load", new LoadCommand(loader));
        cl.addSubcommand("unload", new UnloadCommand());
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        return Main.configure(cl, debug);
    }
}
