package org.mobilenet.cli.classify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.LabelLines;

/**
 * A {@code --labels} file: one class name per line (trailing blank lines ignored), one line per class
 * of the model, whatever its class count (a custom head's 3 classes take 3 lines). The ImageNet
 * background class is handled either way: 1000 labels for a 1001-class model get "background"
 * prepended; a list one longer than the classes whose first line is "background" loses it
 * ({@link LabelLines#fit}). Any other count is a {@link BadInputException}.
 */
public final class LabelsFile {
    private LabelsFile() {
    }

    /** The labels for a model with {@code classes} outputs. */
    public static List<String> load(Path file, int classes) throws BadInputException {
        List<String> lines;
        try {
            if (Files.size(file) > LabelLines.MAX_BYTES) {
                throw new BadInputException(file, "expected a labels file of at most " + LabelLines.MAX_BYTES
                        + " bytes, found " + Files.size(file));
            }
            try (InputStream in = Files.newInputStream(file)) {
                lines = LabelLines.read(in);
            }
        } catch (NoSuchFileException e) {
            throw new BadInputException(file, "no such file");
        } catch (IOException e) {
            throw new BadInputException(file, "cannot read: " + e.getMessage());
        }
        int n = lines.size();
        List<String> fitted = LabelLines.fit(lines, classes);
        if (fitted != null) {
            return fitted;
        }
        throw new BadInputException(file, "expected " + classes + " labels (one per line, one per class of the model"
                + (classes == 1000 || classes == 1001 ? "; or " + (classes == 1000 ? 1001 : 1000)
                        + ", the background class handled" : "") + "), found " + n);
    }
}
