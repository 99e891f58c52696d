package org.mobilenet.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.ModelFiles;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What stays alive between commands: in {@code mobilenet shell}, the model loaded with {@code load FILE}.
 * A one-shot command line has no loaded model, but may have its model file being read ahead
 * ({@link #readAhead}).
 *
 * <p>A subcommand finds its session with {@link #of(CommandSpec)} from its injected {@code @Spec}:
 * {@code Session.of(spec).model(modelOption)} reads {@code --model} when given and otherwise returns the
 * loaded model; {@link #model()} is the loaded model alone.
 */
public final class Session {
    private Model model;
    private Path modelFile;
    /** The file {@link #readAhead} is reading, and that read; null when none was started or it was taken. */
    private Path aheadFile;
    private FutureTask<Model> ahead;

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
     * The model a command works on: the file given with {@code --model} ({@code option}: read now, or
     * taken from the read {@link #readAhead} started for it), else the loaded model; neither is a usage
     * error.
     */
    public Model model(Path option) throws IOException {
        if (option != null) {
            FutureTask<Model> read = takeAhead(option);
            return read == null ? ModelFiles.load(option) : result(read);
        }
        return model().orElseThrow(() -> new IllegalArgumentException(
                "missing --model FILE (in the shell, 'load FILE' keeps one for all commands)"));
    }

    /**
     * Starts reading {@code file} ({@link ModelFiles#load}) on a daemon thread; {@link #model(Path)} of
     * the same path then takes that read's model, or its error, instead of reading the file itself
     * (once: a later call reads the file). For a one-shot command line whose model file {@code main}
     * sees in the argument list: in a fresh JVM picocli takes about 0.1 s to set up and parse it, and
     * the read (30-50 ms) can run meanwhile on the other core. A read no command takes (the command line
     * was wrong) is held by this session until it is dropped, with the process for a command line.
     * Returns the read (to wait on it).
     */
    public Future<Model> readAhead(Path file) {
        return readAhead(file, ModelLoader.files());
    }

    /** {@link #readAhead(Path)} with another reader (tests). */
    synchronized Future<Model> readAhead(Path file, ModelLoader loader) {
        aheadFile = Objects.requireNonNull(file, "file");
        ahead = new FutureTask<>(new Read(file, Objects.requireNonNull(loader, "loader")));
        Thread t = new Thread(ahead, "model-read-ahead");
        t.setDaemon(true);
        t.start();
        return ahead;
    }

    /** The read started for {@code file} and not yet taken, or null (tests). */
    synchronized Future<Model> pendingRead(Path file) {
        return ahead != null && aheadFile.equals(file) ? ahead : null;
    }

    /** The read started for {@code file}, once (null if none). */
    private synchronized FutureTask<Model> takeAhead(Path file) {
        if (ahead == null || !aheadFile.equals(file)) {
            return null;
        }
        FutureTask<Model> read = ahead;
        ahead = null;
        aheadFile = null;
        return read;
    }

    /**
     * The read's model, or its exception as the read would have thrown it here (the same object: its
     * stack trace, shown with --debug, is the reading thread's); a checked exception other than an
     * IOException (from a {@link ModelLoader} of tests) comes wrapped in one.
     */
    private static Model result(FutureTask<Model> read) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return read.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the read is short and the caller needs it: finish it, keep the flag
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The read as a named class, not a lambda: a lambda is spun at run time, at every start. */
    private record Read(Path file, ModelLoader loader) implements Callable<Model> {
        @Override
        public Model call() throws Exception {
            return loader.load(file);
        }
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
