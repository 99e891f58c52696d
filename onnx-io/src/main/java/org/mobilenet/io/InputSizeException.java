package org.mobilenet.io;

/**
 * An input size a model cannot be read at: out of range, or given for a file that records its own
 * ({@link ModelFiles#requireInputSize}, {@link ModelFiles#sizeRecorded}). Its message reads
 * "input size: " and the {@link #detail()}; a caller with its own name for the size (the CLI's
 * {@code --input-size}) puts that before the detail instead.
 */
public final class InputSizeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String detail;

    InputSizeException(String detail) {
        super("input size: " + detail);
        this.detail = detail;
    }

    /** What is wrong, without naming the size: "must be 32 to 4096, got 8". */
    public String detail() {
        return detail;
    }
}
