package org.mobilenet.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model or image file that cannot be read: malformed, truncated, or not something this project
 * supports. The message is one line naming the file, what was expected and what was found.
 */
public class BadInputException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    public BadInputException(Path file, String problem) {
        super((file == null ? "" : file + ": ") + problem);
        this.file = file;
        this.problem = problem;
    }

    public BadInputException(Path file, String problem, Throwable cause) {
        this(file, problem);
        initCause(cause);
    }

    /** The file that could not be read, or null when it was not a file (e.g. bytes in memory). */
    public Path file() {
        return file;
    }

    /** The problem without the file name. */
    public String problem() {
        return problem;
    }
}
