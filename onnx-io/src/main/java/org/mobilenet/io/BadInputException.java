package org.mobilenet.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model or image file that cannot be read: malformed, truncated, or not something this project
 * supports. The message is one line naming the file, what was expected and what was found.
 */
public class BadInputException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * What the caller could change to read the file after all, for it to say in its own terms (the CLI
     * names its options): the message itself names no option of any caller.
     */
    public enum Remedy {
        /** The model's input size is symbolic and was taken at a default: another size may fit. */
        INPUT_SIZE,
        /** The image did not fit in memory: a larger heap, or a lower pixel limit refusing such images. */
        MEMORY
    }

    private final transient Path file;
    private final String problem;
    private final Remedy remedy;

    public BadInputException(Path file, String problem) {
        this(file, problem, (Remedy) null);
    }

    /** With a {@link Remedy} the caller may offer (null: none). */
    public BadInputException(Path file, String problem, Remedy remedy) {
        super((file == null ? "" : file + ": ") + oneLine(problem));
        this.file = file;
        this.problem = oneLine(problem);
        this.remedy = remedy;
    }

    /** Names and values quoted from a file may hold control characters: shown escaped, the message stays one line. */
    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
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

    /** What could be changed to read the file after all, or null. */
    public Remedy remedy() {
        return remedy;
    }
}
