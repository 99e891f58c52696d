package org.mobilenet.cli.shell;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mobilenet.cli.ExitCode;
import org.mobilenet.cli.ModelLoader;
import org.mobilenet.cli.Session;
import org.mobilenet.engine.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The shell's {@code load FILE}: reads a model once and keeps it for the following commands. */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Load a model and keep it: the following commands use it when --model is not given.")
public final class LoadCommand implements Callable<Integer> {
    private final ModelLoader loader;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The model file.")
    Path file;

    public LoadCommand(ModelLoader loader) {
        this.loader = loader;
    }

    @Override
    public Integer call() throws Exception {
        Model model = loader.load(file);
        Session.of(spec).load(file, model);
        PrintWriter out = spec.commandLine().getOut();
        out.println("loaded " + file + ": " + model.describe());
        out.flush();
        return ExitCode.OK;
    }
}
