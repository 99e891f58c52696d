package org.mobilenet.cli.shell;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.mobilenet.cli.ExitCode;
import org.mobilenet.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The shell's {@code unload}: forgets the loaded model. */
@Command(name = "unload", mixinStandardHelpOptions = true, description = "Forget the loaded model.")
public final class UnloadCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Session session = Session.of(spec);
        PrintWriter out = spec.commandLine().getOut();
        out.println(session.modelFile().map(f -> "unloaded " + f).orElse("no model loaded"));
        out.flush();
        session.unload();
        return ExitCode.OK;
    }
}
