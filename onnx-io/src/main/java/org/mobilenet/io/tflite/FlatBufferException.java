package org.mobilenet.io.tflite;

/**
 * A FlatBuffer that does not hold together: an offset or length that points outside the file, a
 * vtable that is too short, a string that is not terminated. Internal to the TFLite reader, which
 * turns it into a {@link org.mobilenet.io.BadInputException} naming the file.
 */
final class FlatBufferException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FlatBufferException(String message) {
        super(message);
    }
}
