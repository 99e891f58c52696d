package org.mobilenet.cli.classify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Expands the command line's IMAGE arguments: files as given, directories recursively (JPEG, PNG,
 * BMP and GIF files by extension, sorted), and {@code -} for a list of paths on standard input (one
 * per line, blank lines skipped). Paths that do not exist are kept, so that they are reported as
 * failed images.
 */
public final class ImageInputs {
    private ImageInputs() {
    }

    public static List<Path> expand(List<String> args, InputStream stdin) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String a : args) {
            if (a.equals("-")) {
                BufferedReader r = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (!line.isBlank()) {
                        add(Path.of(line.strip()), out);
                    }
                }
            } else {
                add(Path.of(a), out);
            }
        }
        return out;
    }

    private static void add(Path p, List<Path> out) throws IOException {
        if (!Files.isDirectory(p)) {
            out.add(p);
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.filter(Files::isRegularFile).filter(ImageInputs::isImageName).sorted().forEach(out::add);
        }
    }

    /** True for the extensions .jpg .jpeg .png .bmp .gif (any case). */
    public static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png") || n.endsWith(".bmp")
                || n.endsWith(".gif");
    }
}
