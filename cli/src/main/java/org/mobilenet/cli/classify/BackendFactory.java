package org.mobilenet.cli.classify;

import java.util.function.Supplier;

/**
 * Makes {@link Backend}s (a command makes one, used by one thread at a time), and releases what they
 * share (an ORT session) on close.
 */
public interface BackendFactory extends Supplier<Backend>, AutoCloseable {
    @Override
    void close();
}
