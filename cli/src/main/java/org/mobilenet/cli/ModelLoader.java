package org.mobilenet.cli;

import java.nio.file.Path;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.BadInputException;

/** Reads a model file; the shell's {@code load} uses it, tests give their own. */
@FunctionalInterface
public interface ModelLoader {

    /** Reads {@code file}; a malformed or unreadable file is a {@link BadInputException}. */
    Model load(Path file) throws Exception;

    /** The model readers of this build, by file format. */
    static ModelLoader files() {
        // TODO(merge): becomes org.mobilenet.io.ModelFiles::load once ModelFiles is on main.
        return file -> {
            throw new BadInputException(file, "this build has no model file reader yet (ModelFiles is not merged)");
        };
    }
}
