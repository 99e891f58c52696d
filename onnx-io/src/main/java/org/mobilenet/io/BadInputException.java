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
        super((file == null ? "" : file + ": ") + oneLine(problem));
        this.file = file;
        this.problem = oneLine(problem);
    }

    public BadInputException(Path file, String problem, Throwable cause) {
        this(file, problem);
        initCause(cause);
    }

    /**
     * The problem with control characters (newlines, NULs, escapes; they may come from names inside a
     * hostile file) written as {@code \xNN}, so the message stays one printable line.
     */
    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                if (b == null) {
                    b = new StringBuilder(s.length() + 8).append(s, 0, i);
                }
                b.append(String.format("\\x%02x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
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
