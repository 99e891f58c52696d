package org.mobilenet.cli.classify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mobilenet.io.BadInputException;

/**
 * A {@code --labels} file: one class name per line (trailing blank lines ignored), one line per class
 * of the model, whatever its class count (a custom head's 3 classes take 3 lines). The ImageNet
 * background class is handled either way: 1000 labels for a 1001-class model get "background"
 * prepended; 1001 labels for a 1000-class model lose their first line. Any other count is a
 * {@link BadInputException}.
 */
public final class LabelsFile {
    private static final long MAX_BYTES = 16L << 20;

    private LabelsFile() {
    }

    /** The labels for a model with {@code classes} outputs. */
    public static List<String> load(Path file, int classes) throws BadInputException {
        List<String> lines;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new BadInputException(file, "expected a labels file of at most " + MAX_BYTES + " bytes, found "
                        + Files.size(file));
            }
            lines = new ArrayList<>(List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                    .split("\r?\n", -1)));
        } catch (NoSuchFileException e) {
            throw new BadInputException(file, "no such file");
        } catch (IOException e) {
            throw new BadInputException(file, "cannot read: " + e.getMessage());
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        lines.replaceAll(String::strip);
        int n = lines.size();
        if (n == classes && n > 0) {
            return lines;
        }
        if (classes == 1001 && n == 1000) {
            lines.add(0, "background");
            return lines;
        }
        if (classes == 1000 && n == 1001) {
            return lines.subList(1, n);
        }
        throw new BadInputException(file, "expected " + classes + " labels (one per line, one per class of the model"
                + (classes == 1000 || classes == 1001 ? "; or " + (classes == 1000 ? 1001 : 1000)
                        + ", the background class handled" : "") + "), found " + n);
    }
}
