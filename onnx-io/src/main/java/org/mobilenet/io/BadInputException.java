package org.mobilenet.io;

import java.nio.file.Path;

/**
 * A file that cannot be used: unreadable, malformed, truncated, hostile, or not a MobileNet v1.
 * The message is one line that names the file and says what was expected and what was found; the
 * CLI prints it as is and exits with code 3.
 */
public class BadInputException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public BadInputException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public BadInputException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
