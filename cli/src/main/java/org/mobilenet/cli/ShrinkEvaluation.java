package org.mobilenet.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.mobilenet.engine.eval.Agreement;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.preprocess.ImagePreprocessor;
import org.mobilenet.engine.preprocess.RgbImage;
import org.mobilenet.engine.run.Network;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.image.ImageLoader;

/** Runs a source and a shrunk model on a folder of images and counts how often they agree. */
final class ShrinkEvaluation {
    private ShrinkEvaluation() {
    }

    static Agreement agreement(Model source, Model shrunk, Path dir) throws IOException {
        if (!source.spec().hasClassifier()) {
            throw new IllegalArgumentException("--eval-images needs a classifier; " + source.spec() + " has none");
        }
        List<Path> images = imagesIn(dir);
        if (images.isEmpty()) {
            throw new BadInputException(dir, "contains no JPEG, PNG, BMP or GIF images");
        }
        Network a = Network.compile(source);
        Network b = Network.compile(shrunk);
        ImagePreprocessor pa = new ImagePreprocessor(source.preprocessing(), source.spec().resolution());
        ImagePreprocessor pb = new ImagePreprocessor(source.preprocessing(), shrunk.spec().resolution());
        ImageLoader loader = new ImageLoader();
        int classes = source.spec().classes();
        Agreement total = new Agreement(0, 0, 0);
        for (Path p : images) {
            RgbImage img = loader.load(p);
            total = total.plus(Agreement.of(a.forward(pa.apply(img), 1), b.forward(pb.apply(img), 1), 1, classes));
        }
        return total;
    }

    /** Image files under a folder (recursively) or the file itself, in a stable order. */
    static List<Path> imagesIn(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new BadInputException(dir, "no such file or directory");
        }
        if (!Files.isDirectory(dir)) {
            return List.of(dir);
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(ShrinkEvaluation::isImage).sorted().toList();
        }
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png") || n.endsWith(".bmp") || n.endsWith(".gif");
    }
}
