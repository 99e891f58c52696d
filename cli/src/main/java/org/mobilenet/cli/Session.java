package org.mobilenet.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.ModelFiles;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What stays alive between commands: in {@code mobilenet shell}, the model loaded with {@code load FILE}.
 * A one-shot command line has an empty session.
 *
 * <p>A subcommand finds its session with {@link #of(CommandSpec)} from its injected {@code @Spec}:
 * {@code Session.of(spec).model(modelOption)} reads {@code --model} when given and otherwise returns the
 * loaded model; {@link #model()} is the loaded model alone.
 */
public final class Session {
    private Model model;
    private Path modelFile;

    /** The session of the command tree that {@code spec} belongs to (empty outside the shell). */
    public static Session of(CommandSpec spec) {
        Object root = spec.root().userObject();
        return root instanceof MobilenetCommand m ? m.session() : new Session();
    }

    /** The loaded model, if any. */
    public Optional<Model> model() {
        return Optional.ofNullable(model);
    }

    /** The file the loaded model came from, if any. */
    public Optional<Path> modelFile() {
        return Optional.ofNullable(modelFile);
    }

    /**
     * The model file a command names as its MODEL argument or its --model option (not two different
     * ones), else the file loaded in the shell; a usage error when there is none.
     */
    public Path modelFile(Path argument, Path option) {
        if (argument != null && option != null && !argument.equals(option)) {
            throw new IllegalArgumentException("give the model once: MODEL or --model");
        }
        Path named = argument != null ? argument : option;
        if (named != null) {
            return named;
        }
        return modelFile().orElseThrow(() -> new IllegalArgumentException(
                "missing MODEL (in the shell, 'load FILE' keeps one for all commands)"));
    }

    /**
     * The model a command works on: the file given with {@code --model} ({@code option}, read now), else the
     * loaded model; neither is a usage error.
     */
    public Model model(Path option) throws IOException {
        if (option != null) {
            return ModelFiles.load(option);
        }
        return model().orElseThrow(() -> new IllegalArgumentException(
                "missing --model FILE (in the shell, 'load FILE' keeps one for all commands)"));
    }

    /** Keeps {@code model}, read from {@code file}, for the following commands; replaces any earlier one. */
    public void load(Path file, Model model) {
        this.modelFile = Objects.requireNonNull(file, "file");
        this.model = Objects.requireNonNull(model, "model");
    }

    /** Forgets the loaded model. */
    public void unload() {
        model = null;
        modelFile = null;
    }
}
