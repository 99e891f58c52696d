package org.mobilenet.cli;

import org.mobilenet.io.BadInputException;

/**
 * The command line's words for what a user can change when a file cannot be read: the library
 * names a {@link BadInputException.Remedy}, never an option, and this adds the options that give it.
 */
public final class Remedies {
    private Remedies() {
    }

    /** The exception's message, with the options that could read the file after all. */
    public static String message(BadInputException e) {
        if (e.remedy() == null) {
            return e.getMessage();
        }
        return e.getMessage() + switch (e.remedy()) {
            case INPUT_SIZE -> "; --input-size N reads it at N x N";
            case MEMORY -> "; give the JVM more with MOBILENET_JAVA_OPTS=-Xmx..., or refuse such images with a lower"
                    + " --max-pixels";
        };
    }
}
