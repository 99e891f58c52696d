package org.mobilenet.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.mobilenet.cli.classify.ImageInputs;
import java.util.Map;
import org.mobilenet.engine.eval.Agreement;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.preprocess.ImagePreprocessor;
import org.mobilenet.engine.preprocess.PixelGrid;
import org.mobilenet.engine.run.Network;
import org.mobilenet.engine.shrink.ChannelMeans;
import org.mobilenet.io.BadInputException;
import org.mobilenet.io.image.DecodedImage;
import org.mobilenet.io.image.ImageLoader;
import org.mobilenet.io.image.ImageOptions;

/**
 * Images for shrinking: calibration (each channel's mean input activation in the source) and
 * evaluation (how often the shrunk model agrees with the source).
 */
final class ShrinkEvaluation {
    private ShrinkEvaluation() {
    }

    static Agreement agreement(Model source, Model shrunk, Path dir, boolean ignoreExif) throws IOException {
        if (source.classes() == 0) {
            throw new IllegalArgumentException("--eval-images needs a classifier; " + source.describe() + " has none");
        }
        List<Path> images = ImageInputs.expand(List.of(dir.toString()), InputStream.nullInputStream());
        if (images.isEmpty()) {
            throw new BadInputException(dir, "contains no JPEG, PNG, BMP, GIF, WebP or TIFF images");
        }
        Network a = network(source, images.size());
        Network b = network(shrunk, images.size());
        ImagePreprocessor pa = ImagePreprocessor.of(source);
        ImagePreprocessor pb = new ImagePreprocessor(source.preprocessing(), shrunk.inputHeight(), shrunk.inputWidth(),
                shrunk.graph().input().c());
        ImageLoader loader = new ImageLoader(ImageOptions.defaults().withApplyExif(!ignoreExif));
        int classes = source.classes();
        Agreement total = new Agreement(0, 0, 0);
        for (Path p : images) {
            // Only the pixels either resize reads.
            DecodedImage img = loader.decode(p, (w, h) -> PixelGrid.both(pa.grid(w, h), pb.grid(w, h)));
            float[] xa = new float[pa.inputSize()];
            pa.apply(img.image(), img.grid(), xa, 0);
            float[] xb = new float[pb.inputSize()];
            pb.apply(img.image(), img.grid(), xb, 0);
            total = total.plus(Agreement.of(a.forward(xa, 1), b.forward(xb, 1), 1, classes));
        }
        return total;
    }

    /** A network for {@code passes} passes of one image, warmed up only when that pays for itself. */
    private static Network network(Model m, int passes) {
        Network net = Network.compile(m);
        net.noWarmUpAfterPass();
        if (net.worthWarmingUp(passes)) {
            net.startWarmUp();
        }
        return net;
    }

    /** The source's per-channel input means over the images of {@code dir}, for the bias correction. */
    static Map<String, float[]> channelMeans(Model source, Path dir, boolean ignoreExif) throws IOException {
        List<Path> images = ImageInputs.expand(List.of(dir.toString()), InputStream.nullInputStream());
        if (images.isEmpty()) {
            throw new BadInputException(dir, "contains no JPEG, PNG, BMP, GIF, WebP or TIFF images");
        }
        ImagePreprocessor pre = ImagePreprocessor.of(source);
        ImageLoader loader = new ImageLoader(ImageOptions.defaults().withApplyExif(!ignoreExif));
        ChannelMeans means = new ChannelMeans(network(source, images.size()));
        for (Path p : images) {
            DecodedImage img = loader.decode(p, pre::grid); // only the pixels the resize reads
            float[] x = new float[pre.inputSize()];
            pre.apply(img.image(), img.grid(), x, 0);
            means.accumulate(x, 1);
        }
        return means.inputMeans();
    }
}
