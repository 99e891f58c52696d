import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.mobilenet.engine.model.Preprocessing;
import org.mobilenet.engine.preprocess.ImagePreprocessor;
import org.mobilenet.io.image.DecodedImage;
import org.mobilenet.io.image.ImageLoader;

/**
 * What one photo costs before inference, warm: decoding (with the pixel grid of a 160 x 160 model, as
 * classify decodes) and preprocessing (resize and normalization), in milliseconds per photo, for each
 * image file of a folder, after a warm-up of the same loop. For the figures in README's performance
 * section; both backends share this part.
 *
 * <p>Run after a build: {@code java -cp "cli/target/lib/*" scripts/PhotoCost.java [DIR] [SIZE]}
 * (default {@code ../shared/images}, 160).
 */
public class PhotoCost {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/images");
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 160;
        List<Path> photos;
        try (Stream<Path> s = Files.list(dir)) {
            photos = s.filter(p -> p.toString().toLowerCase().matches(".*\\.(jpe?g|png|bmp|gif|webp|tiff?)")).sorted().toList();
        }
        ImagePreprocessor pre = new ImagePreprocessor(Preprocessing.tensorflow(), size);
        ImageLoader loader = new ImageLoader();
        float[] input = new float[pre.inputSize()];
        for (int round = 0; round < 8; round++) {
            boolean last = round == 7; // the earlier rounds warm the JIT up
            for (Path p : photos) {
                int n = 50;
                long decode = 0;
                long apply = 0;
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    DecodedImage d = loader.decode(p, pre::grid);
                    long t1 = System.nanoTime();
                    pre.apply(d.image(), d.grid(), input, 0);
                    decode += t1 - t0;
                    apply += System.nanoTime() - t1;
                }
                if (last) {
                    System.out.printf("%-24s decode %6.2f ms  preprocess %5.2f ms%n", p.getFileName(), decode / 1e6 / n,
                            apply / 1e6 / n);
                }
            }
        }
    }
}
