package org.mobilenet.io.image;

import java.nio.file.Path;
import org.mobilenet.io.BadInputException;

/**
 * An image file that is truncated or corrupt: its decoder failed part way or said that pixels are
 * missing. A command that can keep what was decoded ({@code classify --allow-truncated}) says so.
 */
public final class TruncatedImageException extends BadInputException {
    private static final long serialVersionUID = 1L;

    public TruncatedImageException(Path file, String problem) {
        super(file, problem);
    }
}
