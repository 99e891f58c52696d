package org.mobilenet.io.tflite;

/**
 * A TFLite file the reader cannot take: a FlatBuffer that does not hold together ({@link Malformed}),
 * or a model whose content the import does not support or that contradicts itself (a tensor of the
 * wrong type or shape for its operator). Internal to the TFLite reader, which turns it into a
 * {@link org.mobilenet.io.BadInputException} naming the file.
 */
class FlatBufferException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FlatBufferException(String message) {
        super(message);
    }

    /**
     * The FlatBuffer itself does not hold together: an offset or length that points outside the file, a
     * vtable that is too short, a string that is not terminated (a damaged or hostile file).
     */
    static final class Malformed extends FlatBufferException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }
}
