package org.mobilenet.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top-level {@code mobilenet} command: a toolkit for MobileNet v1 models. */
@Command(name = "mobilenet",
        mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        description = "Run, convert, check, measure and shrink MobileNet v1 models.",
        subcommands = {ClassifyCommand.class, ProfileCommand.class, ShrinkCommand.class, ConvertCommand.class,
            VerifyCommand.class, InfoCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  success",
            "  1  a check failed (verification outside tolerance, benchmark threshold)",
            "  2  usage error",
            "  3  bad input (unreadable or malformed model, image or labels file)",
            "  4  an output could not be written",
            " 70  internal error (please report it; --debug shows the stack trace)",
        })
public final class MobilenetCommand implements Runnable {

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print stack traces for errors.")
    boolean debug;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
    }
}
