package org.mobilenet.cli.classify;

import java.util.function.Supplier;

/** Makes one {@link Backend} per worker thread, and releases what they share (an ORT session) on close. */
public interface BackendFactory extends Supplier<Backend>, AutoCloseable {
    @Override
    void close();
}
