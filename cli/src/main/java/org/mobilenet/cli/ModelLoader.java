package org.mobilenet.cli;

import java.nio.file.Path;
import org.mobilenet.engine.model.Model;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.ModelFiles;

/** Reads a model file; the shell's {@code load} uses it, tests give their own. */
@FunctionalInterface
public interface ModelLoader {

    /** Reads {@code file}; a malformed or unreadable file is a {@link BadInputException}. */
    Model load(Path file) throws Exception;

    /** The model readers of this build, by extension: {@link ModelFiles#load(Path)}. */
    static ModelLoader files() {
        return ModelFiles::load;
    }
}
