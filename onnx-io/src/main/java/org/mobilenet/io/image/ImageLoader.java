package org.mobilenet.io.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.mobilenet.engine.preprocess.RgbImage;
import org.mobilenet.io.BadInputException;

/**
 * Decodes JPEG, PNG, BMP and GIF files (first frame) with {@code javax.imageio} into an
 * {@link RgbImage}. The dimensions the file declares are read from the decoder's header first and
 * checked against a pixel limit before any pixel is decoded, so a small file claiming a huge image
 * (a decompression bomb) is refused without allocating it. Alpha is dropped (the colour channels are
 * kept as stored). Anything that is not a decodable image of those formats is a
 * {@link BadInputException}.
 */
public final class ImageLoader {
    /** The default pixel limit: 100 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

    private static final Set<String> FORMATS = Set.of("jpeg", "png", "bmp", "gif");

    static {
        ImageIO.setUseCache(false);
    }

    private final long maxPixels;

    public ImageLoader() {
        this(DEFAULT_MAX_PIXELS);
    }

    /** A loader refusing images of more than {@code maxPixels} pixels (width × height). */
    public ImageLoader(long maxPixels) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("pixel limit must be >= 1, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    public long maxPixels() {
        return maxPixels;
    }

    /** Decodes an image file. */
    public RgbImage load(Path file) throws BadInputException {
        if (Files.isDirectory(file)) {
            throw new BadInputException(file, "expected an image file, found a directory");
        }
        if (!Files.exists(file)) {
            throw new BadInputException(file, "no such file");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new BadInputException(file, "cannot open the file for reading");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new BadInputException(file, "expected a JPEG, PNG, BMP or GIF image, found an unrecognised format");
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!FORMATS.contains(format)) {
                    throw new BadInputException(file, "expected a JPEG, PNG, BMP or GIF image, found " + format);
                }
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w < 1 || h < 1) {
                    throw new BadInputException(file, "declares an empty image " + w + "x" + h);
                }
                if ((long) w * h > maxPixels) {
                    throw new BadInputException(file, "declares " + w + "x" + h + " = " + (long) w * h
                            + " pixels, more than the limit of " + maxPixels);
                }
                BufferedImage img = reader.read(0);
                if (img.getWidth() != w || img.getHeight() != h) {
                    throw new BadInputException(file, "declared " + w + "x" + h + " but decoded "
                            + img.getWidth() + "x" + img.getHeight());
                }
                return toRgb(img);
            } finally {
                reader.dispose();
            }
        } catch (BadInputException e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new BadInputException(file, "no such file");
        } catch (IOException e) {
            throw new BadInputException(file, "cannot decode the image: " + oneLine(e));
        } catch (RuntimeException e) {
            // Decoders throw assorted unchecked exceptions on corrupt data.
            throw new BadInputException(file, "corrupt image: " + oneLine(e));
        }
    }

    /** Packed RGB pixels of a decoded image. Shape line: {@code [h * w]}. */
    static RgbImage toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] px = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < px.length; i++) {
            px[i] &= 0xFFFFFF;
        }
        return new RgbImage(w, h, px);
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage();
        String s = m == null || m.isBlank()
                ? (e instanceof java.io.EOFException ? "the file ends early" : e.getClass().getSimpleName()) : m;
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
