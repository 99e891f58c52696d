package org.mobilenet.cli;

import java.nio.file.Path;

/** An output file that cannot be written; the CLI exits with {@link ExitCode#OUTPUT}. */
public class OutputException extends Exception {
    private static final long serialVersionUID = 1L;

    public OutputException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public OutputException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
