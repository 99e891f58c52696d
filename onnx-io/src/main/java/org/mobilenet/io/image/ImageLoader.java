package org.mobilenet.io.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataFormatImpl;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.Node;
import org.mobilenet.engine.preprocess.PixelGrid;
import org.mobilenet.engine.preprocess.RgbImage;
import org.mobilenet.io.BadInputException;

/**
 * Decodes JPEG, PNG, BMP, GIF, WebP and TIFF files (the first frame or page) with {@code javax.imageio}
 * into an {@link RgbImage}: the JDK's readers for PNG, BMP and GIF, the TwelveMonkeys plugins for JPEG
 * (baseline, progressive, CMYK and YCCK with their ICC profile or, without one, the plain conversion
 * browsers use), WebP and TIFF. The dimensions the file declares are read from the decoder's header
 * first and checked against a pixel limit before any pixel is decoded, so a small file claiming a huge
 * image (a decompression bomb) is refused without allocating it, whatever the format. Alpha is dropped
 * (the colour channels are kept as stored). The EXIF orientation tag (JPEG's, PNG's eXIf chunk, WebP's
 * EXIF chunk: {@link JpegExif}, {@link ChunkExif}) or TIFF's is applied unless
 * {@link ImageOptions#applyExif} is off. A truncated or corrupt file (an exception from the decoder, or
 * a warning that pixels are missing: see {@link DecodeWarnings}) is refused, or with {@link
 * ImageOptions#allowTruncated} kept with a warning. Anything that is not a decodable image of those
 * formats is a {@link BadInputException}.
 *
 * <p>Made cheap for many images, with the same pixels as {@code BufferedImage.getRGB}: a regular file
 * of up to {@link #IN_MEMORY_BYTES} is read whole and decoded from memory (no system call per scanline,
 * no disk cache); the decoded raster is converted to packed RGB straight from its data buffer for the
 * common layouts (8-bit sRGB interleaved bytes, packed sRGB ints, 8-bit gray or indexed through a
 * 256-entry table built with the image's own colour model), and through {@code getRGB} otherwise; a
 * JPEG or PNG decodes into the thread's last destination when size and type match ({@link #readReusing}).
 * With a {@link PixelGrid.Selector} only the pixels a resize reads are converted ({@link #decode(Path,
 * PixelGrid.Selector)}). A loader holds no mutable state and no lock: threads may share one.
 */
public final class ImageLoader {
    /** The default pixel limit: 100 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = ImageOptions.DEFAULT_MAX_PIXELS;

    /** Files up to this size are read into memory before decoding; larger ones are streamed from disk. */
    static final long IN_MEMORY_BYTES = 64L << 20;

    private static final Set<String> FORMATS = Set.of("jpeg", "png", "bmp", "gif", "webp", "tiff");
    private static final String EXPECTED = "expected a JPEG, PNG, BMP, GIF, WebP or TIFF image";

    /**
     * ImageIO builds its registry of readers on first use (the class-path scan for plugins and their
     * registration: about 35 ms of a cold one-image {@code classify}), so a daemon thread builds it as
     * soon as this class loads, while the caller goes on (to load a model); {@link #awaitImageIO()}
     * waits for it before this class touches ImageIO.
     */
    private static final FutureTask<Void> IMAGE_IO = new FutureTask<>(() -> {
        ImageIO.setUseCache(false);
        return null;
    });

    static {
        Thread t = new Thread(IMAGE_IO, "mobilenet-imageio");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Starts building ImageIO's registry on its daemon thread, if this class has not already (loading
     * it does): for a program that knows early, before loading a model or parsing its arguments, that
     * it will decode images. Returns at once.
     */
    public static void startImageIO() {
        // Nothing more to do: the class's initialisation, which calling this forces, started it.
    }

    private static void awaitImageIO() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    IMAGE_IO.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true; // the registry is needed either way; the flag is kept for the caller
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException("ImageIO failed to start: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final ImageOptions options;
    private final long maxPixels;

    public ImageLoader() {
        this(ImageOptions.defaults());
    }

    /** A loader refusing images of more than {@code maxPixels} pixels (width × height), otherwise the defaults. */
    public ImageLoader(long maxPixels) {
        this(ImageOptions.defaults().withMaxPixels(maxPixels));
    }

    public ImageLoader(ImageOptions options) {
        this.options = java.util.Objects.requireNonNull(options, "options");
        this.maxPixels = options.maxPixels();
    }

    public long maxPixels() {
        return maxPixels;
    }

    public ImageOptions options() {
        return options;
    }

    /** Decodes an image file (a damaged file kept under {@link ImageOptions#allowTruncated} loses its warning here). */
    public RgbImage load(Path file) throws BadInputException {
        return decode(file).image();
    }

    /**
     * Decodes an image file, upright; a truncated or corrupt one is a {@link TruncatedImageException}, or
     * with {@link ImageOptions#allowTruncated} what was decoded, with a warning.
     */
    public DecodedImage decode(Path file) throws BadInputException {
        return decode(file, null);
    }

    /**
     * Decodes an image file, upright, keeping only the pixels at the grid {@code selector} names for the
     * upright image's size ({@link org.mobilenet.engine.preprocess.ImagePreprocessor#grid}; a null
     * selector, or a null grid: the whole image). The decoder still decodes every pixel, but the
     * conversions after it run on the grid's pixels only: to packed RGB, the orientation's turn, and a
     * colour JPEG's ICC profile where {@link JpegIcc} converts it (the common case; other profiled files,
     * and CMYK JPEGs, are converted by their reader, whole); for a phone photo resized to a network's
     * input, a few hundred thousand pixels instead of twelve million, and no whole-image array of them.
     * The kept pixels are those of the whole image at the grid. An exception from the selector is
     * thrown as it is.
     */
    public DecodedImage decode(Path file, PixelGrid.Selector selector) throws BadInputException {
        Stored s = stored(file, selector);
        RgbImage upright = s.orientation.apply(s.image);
        if (s.damage == null) {
            return new DecodedImage(upright, s.grid, null);
        }
        if (!options.allowTruncated()) {
            throw new TruncatedImageException(file, "truncated or corrupt image (" + s.damage + ")");
        }
        return new DecodedImage(upright, s.grid, "truncated or corrupt image (" + s.damage + "), kept what was decoded");
    }

    /**
     * The pixels as stored (the whole image, or with a grid those at the stored image's rows and columns
     * that hold the upright grid), the orientation tag (NORMAL when not applied), the grid in the upright
     * image (null: the whole image), and what is damaged (or null).
     */
    private record Stored(RgbImage image, Orientation orientation, PixelGrid grid, String damage) {
    }

    /** What a reader gave: the image, the orientation tag, and the damage it reported (or null). */
    private record Read(BufferedImage image, Orientation orientation, String damage) {
    }

    /**
     * The part of a decoded image to convert: the upright grid {@code selector} asks for (null for the
     * whole image) and the stored image holding it.
     */
    private record Part(BufferedImage image, PixelGrid grid) {
        static Part of(Read read, PixelGrid.Selector selector) {
            BufferedImage img = read.image;
            if (selector == null) {
                return new Part(img, null);
            }
            int sw = img.getWidth();
            int sh = img.getHeight();
            boolean swap = read.orientation.swapsAxes();
            int w = swap ? sh : sw;
            int h = swap ? sw : sh;
            PixelGrid grid;
            try {
                grid = selector.grid(w, h);
                if (grid != null && (grid.width() != w || grid.height() != h)) {
                    throw new IllegalArgumentException("asked for the grid of a " + w + "x" + h + " image, got " + grid);
                }
            } catch (RuntimeException e) {
                throw new SelectorFailure(e);
            }
            if (grid == null || grid.isWhole()) {
                return new Part(img, null);
            }
            return new Part(gather(img, read.orientation.stored(grid, sw, sh)), grid);
        }
    }

    /** The caller's selector failed: its exception, carried past the handlers for the decoder's own. */
    private static final class SelectorFailure extends RuntimeException {
        SelectorFailure(RuntimeException cause) {
            super(cause);
        }
    }

    private Stored stored(Path file, PixelGrid.Selector selector) throws BadInputException {
        awaitImageIO();
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException | SecurityException e) {
            throw new BadInputException(file, "no such file");
        }
        if (attrs.isDirectory()) {
            throw new BadInputException(file, "expected an image file, found a directory");
        }
        try {
            byte[] bytes = readSmall(file, attrs);
            if (bytes != null) {
                JpegIcc.Split split = JpegIcc.split(bytes);
                if (split != null) {
                    Stored img = jpegWithProfile(file, split, selector);
                    if (img != null) {
                        return img;
                    }
                }
            }
            try (ImageInputStream in = bytes != null ? new ByteArrayImageInputStream(bytes)
                    : ImageIO.createImageInputStream(file.toFile())) {
                Read r = read(file, in, bytes, bytes == null ? null : knownOrientation(bytes));
                Part part = Part.of(r, selector);
                return new Stored(toRgb(part.image), r.orientation, part.grid, r.damage);
            }
        } catch (BadInputException e) {
            throw e;
        } catch (SelectorFailure e) {
            throw (RuntimeException) e.getCause(); // not the file's fault
        } catch (NoSuchFileException e) {
            throw new BadInputException(file, "no such file");
        } catch (IOException e) {
            if (endsEarly(e)) {
                throw new TruncatedImageException(file, "truncated image: " + oneLine(e));
            }
            throw new BadInputException(file, "cannot decode the image: " + oneLine(e));
        } catch (RuntimeException e) {
            // Decoders throw assorted unchecked exceptions on corrupt data.
            throw new BadInputException(file, "corrupt image: " + oneLine(e));
        } catch (OutOfMemoryError e) {
            // A raster of the declared size (within the pixel limit) did not fit: this image fails, the
            // others go on (the raster's memory is free again once the error has left the decoder).
            throw new BadInputException(file, "not enough memory to decode the image (the JVM may use "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MB)", BadInputException.Remedy.MEMORY);
        }
    }

    /**
     * The orientation to apply to a JPEG in memory as far as its bytes tell ({@link JpegExif}): upright
     * when the tag is not applied (the bytes are not read then), null when the reader's metadata must say.
     */
    private Orientation knownOrientation(byte[] bytes) {
        if (!options.applyExif()) {
            return Orientation.NORMAL;
        }
        Orientation jpeg = JpegExif.orientation(bytes);
        return jpeg != null ? jpeg : ChunkExif.orientation(bytes);
    }

    /**
     * Decodes the first image of a stream (null: the file could not be opened), checking its size
     * first (against the pixel limit, and against what the file's bytes, when in memory, can hold:
     * {@link DeclaredSize}), with its orientation tag (JPEG and TIFF, when applied: {@code known} when it was read from
     * the file's bytes, see {@link #knownOrientation}, else null and the reader's metadata says) and
     * any damage the reader reported.
     */
    private Read read(Path file, ImageInputStream in, byte[] bytes, Orientation known) throws IOException {
        if (in == null) {
            throw new BadInputException(file, "cannot open the file for reading");
        }
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            byte[] head = new byte[256];
            in.mark();
            int n = Math.max(0, in.read(head));
            in.reset();
            String named = ImageSignatures.name(head, n);
            throw new BadInputException(file, named != null ? "is in the " + named + " format, which is not supported ("
                    + EXPECTED + ")" : EXPECTED + (n == 0 ? ", found an empty file" : ", found an unrecognised format"));
        }
        ImageReader reader = readers.next();
        try {
            String format = reader.getFormatName().toLowerCase(Locale.ROOT);
            if (format.equals("tif") || format.equals("bigtiff")) {
                format = "tiff"; // (TwelveMonkeys' reader serves both, BigTIFF's 64-bit offsets included)
            }
            if (!FORMATS.contains(format)) {
                throw new BadInputException(file, EXPECTED + ", found " + format);
            }
            // Only JPEG and TIFF carry an orientation tag that their reader reports; the others skip metadata.
            boolean tagged = options.applyExif() && known == null && (format.equals("jpeg") || format.equals("tiff"));
            reader.setInput(in, true, !tagged);
            int w;
            int h;
            try {
                w = reader.getWidth(0);
                h = reader.getHeight(0);
            } catch (IndexOutOfBoundsException e) {
                // No first image to size: a TIFF whose directory (written after the data) was cut off, say.
                throw new BadInputException(file, "holds no readable image (a " + format.toUpperCase(Locale.ROOT)
                        + " file truncated or corrupt: " + oneLine(e) + ")");
            }
            if (w < 1 || h < 1) {
                throw new BadInputException(file, "declares an empty image " + w + "x" + h);
            }
            if ((long) w * h > maxPixels) {
                throw new BadInputException(file, "declares " + w + "x" + h + " = " + (long) w * h
                        + " pixels, more than the limit of " + maxPixels);
            }
            long fewest = bytes == null ? 0 : DeclaredSize.fewestBytes(format, w, h, bytes);
            if (bytes != null && bytes.length < fewest) {
                throw new BadInputException(file, "declares a " + w + "x" + h + " " + format.toUpperCase(Locale.ROOT)
                        + " image, which takes at least " + fewest + " bytes; the file has " + bytes.length
                        + " (truncated or corrupt)");
            }
            Orientation orientation = known != null ? known : tagged ? orientation(reader, format) : Orientation.NORMAL;
            String[] damage = new String[1];
            reader.addIIOReadWarningListener((source, warning) -> {
                if (damage[0] == null && DecodeWarnings.isDamage(warning)) {
                    damage[0] = warning.replace('\n', ' ').replace('\r', ' ');
                }
            });
            // The JDK's GIF reader stops without a word where the image data ends early (leaving the rest
            // of the image blank); the rows it reports decoded tell.
            float[] rows = {0}; // rows decoded, in percent: the reader reports each finished row
            boolean gif = format.equals("gif");
            if (gif) {
                reader.addIIOReadProgressListener(new Progress(rows));
            }
            BufferedImage img;
            try {
                img = options.allowTruncated() ? readKeepingPart(reader, w, h, damage)
                        : format.equals("jpeg") || format.equals("png") ? readReusing(reader, w, h) : reader.read(0);
            } catch (IOException | RuntimeException e) {
                int bits = format.equals("jpeg") && bytes != null ? DeclaredSize.precision(bytes) : 8;
                if (bits != 8 && bits > 0 && !(e instanceof BadInputException)) {
                    // Well-formed, perhaps, but not what the decoder reads: say so rather than "malformed".
                    throw new BadInputException(file, "a JPEG of " + bits + "-bit samples: not supported (8-bit"
                            + " samples only); the decoder said: " + oneLine(e));
                }
                throw e;
            }
            if (gif && damage[0] == null && rows[0] < 100) {
                damage[0] = "the image data stops at " + (int) rows[0] + "% of the image";
            }
            if (img.getWidth() != w || img.getHeight() != h) {
                throw new BadInputException(file, "declared " + w + "x" + h + " but decoded "
                        + img.getWidth() + "x" + img.getHeight());
            }
            return new Read(img, orientation, damage[0]);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Reads into a destination made beforehand (of the reader's own first image type, which it would
     * pick itself), so that when the decoder fails part way the rows it decoded are still there; the
     * failure is then recorded as damage. A decoder that failed before reporting any progress kept
     * nothing: its exception stands.
     */
    private static BufferedImage readKeepingPart(ImageReader reader, int w, int h, String[] damage) throws IOException {
        BufferedImage dest = null;
        try {
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            if (types != null && types.hasNext()) {
                dest = types.next().createBufferedImage(w, h);
            }
        } catch (IOException | RuntimeException e) {
            dest = null; // no type to make it from: decode as without the option
        }
        if (dest == null) {
            return reader.read(0);
        }
        ImageReadParam param = reader.getDefaultReadParam();
        param.setDestination(dest);
        float[] done = new float[1];
        reader.addIIOReadProgressListener(new Progress(done));
        try {
            BufferedImage img = reader.read(0, param);
            return img;
        } catch (IOException | RuntimeException e) {
            if (done[0] <= 0 || e instanceof BadInputException) {
                throw e;
            }
            damage[0] = oneLine(e) + ", " + Math.round(done[0]) + "% decoded";
            return dest;
        }
    }

    /**
     * The last JPEG or PNG destination of each thread, for the next one of the same size and type: a
     * phone photo's decoded raster is 36 MB, and a new one per photo kept the collector copying them (a
     * folder of 24 such photos at two threads spent 0.4 s of its 2.4 s in collections). Weakly held: a
     * raster that large lives in the old generation, which a young collection leaves alone, so it serves
     * the photos that follow, and the next full collection frees it once the thread stops decoding (a
     * soft reference would keep it for minutes).
     */
    private static final ThreadLocal<WeakReference<Destination>> LAST_DESTINATION = new ThreadLocal<>();

    /** A destination image and the type the reader gave for it. */
    private record Destination(ImageTypeSpecifier type, BufferedImage image) {
    }

    /**
     * 8-bit sRGB in the order libjpeg and PNG give it, R, G, B: what the JDK's JPEG and PNG readers
     * decode a colour image into instead of their own choice, B, G, R ({@code TYPE_3BYTE_BGR}). The
     * JPEG reader's scanlines then go into the image one array copy each, where into B, G, R they are
     * copied byte by byte in Java (for a phone photo 36 MB of them, about 40 ms of a cold command, JFR);
     * a 3 MP PNG decodes 10-25% faster. The values are the same.
     */
    private static final ImageTypeSpecifier RGB_BYTES = ImageTypeSpecifier.createInterleaved(
            java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB), new int[] {0, 1, 2},
            DataBuffer.TYPE_BYTE, false, false);

    /**
     * Decodes a JPEG or PNG into this thread's last destination when it has the size and type the reader
     * would make (the reader then writes every pixel of it, as into a new one; R, G, B for the reader's
     * B, G, R: {@link #RGB_BYTES}), else into a new one kept for next time. For every such file decoded
     * without {@link ImageOptions#allowTruncated} (a damaged one is refused, whatever it left in the
     * destination); with it, {@link #readKeepingPart} makes a fresh destination, so that what a failed
     * decode left unwritten is blank. The pixels are copied out of the destination before the thread's
     * next decode.
     */
    private static BufferedImage readReusing(ImageReader reader, int w, int h) throws IOException {
        ImageTypeSpecifier type;
        try {
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            type = types != null && types.hasNext() ? types.next() : null;
        } catch (IOException | RuntimeException e) {
            type = null; // no type to make one from: let the reader make its own
        }
        if (type == null) {
            return reader.read(0);
        }
        if (type.getBufferedImageType() == BufferedImage.TYPE_3BYTE_BGR) {
            type = RGB_BYTES;
        }
        WeakReference<Destination> ref = LAST_DESTINATION.get();
        Destination dest = ref == null ? null : ref.get();
        if (dest == null || dest.image.getWidth() != w || dest.image.getHeight() != h || !type.equals(dest.type)) {
            // The old one dropped first (this local too): garbage before the new one is made.
            dest = null;
            LAST_DESTINATION.remove();
            dest = new Destination(type, type.createBufferedImage(w, h));
            LAST_DESTINATION.set(new WeakReference<>(dest));
        }
        ImageReadParam param = reader.getDefaultReadParam();
        param.setDestination(dest.image);
        return reader.read(0, param);
    }

    /** Keeps the furthest progress a reader reported, in percent. */
    private record Progress(float[] done) implements IIOReadProgressListener {
        @Override
        public void imageProgress(ImageReader source, float percentageDone) {
            done[0] = Math.max(done[0], percentageDone);
        }

        @Override
        public void sequenceStarted(ImageReader source, int minIndex) {
        }

        @Override
        public void sequenceComplete(ImageReader source) {
        }

        @Override
        public void imageStarted(ImageReader source, int imageIndex) {
        }

        @Override
        public void imageComplete(ImageReader source) {
        }

        @Override
        public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {
        }

        @Override
        public void thumbnailProgress(ImageReader source, float percentageDone) {
        }

        @Override
        public void thumbnailComplete(ImageReader source) {
        }

        @Override
        public void readAborted(ImageReader source) {
        }
    }

    /**
     * The orientation tag as the reader reports it in the standard metadata; NORMAL when it reports
     * none, or when its metadata cannot be read (the pixels may still be fine: the decoding decides).
     */
    private static Orientation orientation(ImageReader reader, String format) {
        try {
            IIOMetadata m = reader.getImageMetadata(0);
            if (m == null || !m.isStandardMetadataFormatSupported()) {
                return Orientation.NORMAL;
            }
            Node root = m.getAsTree(IIOMetadataFormatImpl.standardMetadataFormatName);
            for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n.getNodeName().equals("Dimension")) {
                    for (Node d = n.getFirstChild(); d != null; d = d.getNextSibling()) {
                        if (d.getNodeName().equals("ImageOrientation") && d.getAttributes() != null
                                && d.getAttributes().getNamedItem("value") != null) {
                            return Orientation.ofMetadataName(d.getAttributes().getNamedItem("value").getNodeValue(), format);
                        }
                    }
                }
            }
            return Orientation.NORMAL;
        } catch (IOException | RuntimeException e) {
            return Orientation.NORMAL;
        }
    }

    /**
     * A colour JPEG with an ICC profile, decoded without its profile markers and converted to sRGB
     * as ImageIO's reader does (the same pixels), but with the colour transform made once per profile
     * and applied in place, in one call, to the decoded image or to the copy of the grid's pixels (see
     * {@link JpegIcc}); null when anything is not the plain case, to decode the file as it is.
     */
    private Stored jpegWithProfile(Path file, JpegIcc.Split split, PixelGrid.Selector selector) throws BadInputException {
        Read read;
        JpegIcc.Transform t;
        try (ImageInputStream in = new ByteArrayImageInputStream(split.jpeg())) {
            t = JpegIcc.transform(split.profile());
            if (t == JpegIcc.Transform.UNUSABLE) {
                return null;
            }
            read = read(file, in, split.jpeg(), knownOrientation(split.jpeg()));
        } catch (BadInputException e) {
            throw e; // the size checks: the same header either way
        } catch (IOException | RuntimeException e) {
            return null; // let ImageIO decode the whole file and say what is wrong with it
        }
        BufferedImage img = read.image;
        WritableRaster whole = img.getRaster();
        if (t != null && !isRgbBytes(img)) {
            return null;
        }
        // The grid's pixels first (the same layout: gather keeps the sample model), converted after.
        Part part = Part.of(read, selector);
        if (t == null) {
            // A profile the reader ignores: no conversion.
            return new Stored(toRgb(part.image), read.orientation, part.grid, read.damage);
        }
        WritableRaster r = part.image.getRaster();
        ComponentSampleModel sm = (ComponentSampleModel) r.getSampleModel();
        int w = part.image.getWidth();
        int h = part.image.getHeight();
        byte[] d = ((DataBufferByte) r.getDataBuffer()).getData();
        int[] bo = sm.getBandOffsets();
        int ps = sm.getPixelStride();
        int ss = sm.getScanlineStride();
        t.convert(d, w, h, ss, ps, bo); // the decoded image (or the grid's copy) is ours alone: converted where it lies
        int[] px = new int[w * h];
        for (int y = 0; y < h; y++) {
            rgbRow(d, y * ss, ps, bo[0], bo[1], bo[2], px, y * w, w);
        }
        return new Stored(new RgbImage(w, h, px), read.orientation, part.grid, read.damage);
    }

    /**
     * Whether {@code img} holds 8-bit sRGB pixels, three interleaved bytes each in one buffer, no alpha
     * (the JDK's JPEG reader's image, in either band order: {@link #readReusing}): what {@link
     * JpegIcc.Transform#convert} converts in place.
     */
    private static boolean isRgbBytes(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        WritableRaster r = img.getRaster();
        return cm.getClass() == ComponentColorModel.class && cm.getColorSpace().isCS_sRGB() && !cm.hasAlpha()
                && cm.getNumComponents() == 3 && cm.getTransferType() == DataBuffer.TYPE_BYTE
                && r.getSampleModel() instanceof ComponentSampleModel sm && sm.getNumBands() == 3
                && sm.getPixelStride() == 3 && r.getSampleModelTranslateX() == 0 && r.getSampleModelTranslateY() == 0
                && r.getDataBuffer() instanceof DataBufferByte db && db.getNumBanks() == 1 && db.getOffset() == 0;
    }

    /**
     * The pixels of {@code img} at {@code grid}'s rows and columns, as an image of their own with the same
     * colour model and a raster of the same kind ({@code cols.length x rows.length}): every conversion
     * from here on (to packed RGB, through an ICC profile) works pixel by pixel, so it gives these pixels
     * what it gives them in the whole image.
     */
    static BufferedImage gather(BufferedImage img, PixelGrid grid) {
        WritableRaster r = img.getRaster();
        int[] rows = grid.rows();
        int[] cols = grid.cols();
        WritableRaster part = r.createCompatibleWritableRaster(cols.length, rows.length);
        if (r.getDataBuffer() instanceof DataBufferByte src && part.getDataBuffer() instanceof DataBufferByte dst
                && src.getNumBanks() == 1 && dst.getNumBanks() == 1
                && r.getSampleModel() instanceof ComponentSampleModel ssm
                && part.getSampleModel() instanceof ComponentSampleModel dsm
                && r.getSampleModelTranslateX() == 0 && r.getSampleModelTranslateY() == 0 && src.getOffset() == 0
                && part.getSampleModelTranslateX() == 0 && part.getSampleModelTranslateY() == 0 && dst.getOffset() == 0) {
            // Byte samples (JPEG, BMP, 8-bit PNG): copied band by band, without a call per pixel.
            int[] so = ssm.getBandOffsets();
            int[] dOff = dsm.getBandOffsets();
            byte[] s = src.getData();
            byte[] d = dst.getData();
            for (int i = 0; i < rows.length; i++) {
                gatherRow(s, rows[i] * ssm.getScanlineStride(), ssm.getPixelStride(), so, cols, d,
                        i * dsm.getScanlineStride(), dsm.getPixelStride(), dOff);
            }
        } else {
            Object px = null;
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < cols.length; j++) {
                    px = r.getDataElements(cols[j], rows[i], px);
                    part.setDataElements(j, i, px);
                }
            }
        }
        return new BufferedImage(img.getColorModel(), part, img.isAlphaPremultiplied(), null);
    }

    private static void gatherRow(byte[] s, int row, int sps, int[] so, int[] cols, byte[] d, int at, int dps, int[] dOff) {
        for (int j = 0; j < cols.length; j++, at += dps) {
            int o = row + cols[j] * sps;
            for (int b = 0; b < so.length; b++) {
                d[at + dOff[b]] = s[o + so[b]];
            }
        }
    }

    /**
     * The bytes of a regular file of at most {@link #IN_MEMORY_BYTES}; null for anything else (then
     * decoded through ImageIO's file stream).
     */
    private static byte[] readSmall(Path file, BasicFileAttributes attrs) throws IOException {
        if (!attrs.isRegularFile() || attrs.size() > IN_MEMORY_BYTES) {
            return null;
        }
        InputStream s;
        try {
            s = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException | SecurityException e) {
            throw new BadInputException(file, "cannot open the file for reading");
        }
        try (s) {
            // At most the size seen above: a file growing meanwhile cannot make this unbounded.
            return s.readNBytes((int) attrs.size());
        }
    }

    /**
     * Packed RGB pixels of a decoded image, as {@code getRGB} gives them without alpha, except a gray
     * image's ({@link #gray}). Shape line: {@code [h * w]}.
     */
    static RgbImage toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] px = gray(img);
        if (px == null) {
            px = direct(img);
        }
        if (px == null) {
            px = img.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < px.length; i++) {
                px[i] &= 0xFFFFFF;
            }
        }
        return new RgbImage(w, h, px);
    }

    /**
     * A grayscale image's pixels, each sample {@code v} as {@code (v, v, v)} scaled to 8 bits (alpha
     * left out, as for colour): the gray samples of PNG, JPEG and TIFF files are display values, as sRGB's
     * are, while Java reads them into its linear {@code CS_GRAY} colour space, from which {@code getRGB}
     * would brighten them (128 to 188) as djpeg, libpng and every viewer do not. Null for an image that is
     * not gray (a palette's gray entries are sRGB colours already). Shape line: {@code [h * w]}.
     */
    static int[] gray(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        if (cm instanceof java.awt.image.IndexColorModel
                || cm.getColorSpace().getType() != java.awt.color.ColorSpace.TYPE_GRAY) {
            return null;
        }
        java.awt.image.Raster r = img.getRaster();
        int w = img.getWidth();
        int h = img.getHeight();
        int[] px = new int[w * h];
        int type = r.getTransferType();
        if (type == DataBuffer.TYPE_FLOAT || type == DataBuffer.TYPE_DOUBLE) {
            float[] row = new float[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                floatGrayRow(row, px, y * w);
            }
            return px;
        }
        int bits = cm.getComponentSize(0);
        if (bits < 1 || bits > 32) {
            return null;
        }
        // Signed 16-bit samples (a TIFF's SampleFormat 2) run from -32768: shifted to 0..65535 first.
        long offset = type == DataBuffer.TYPE_SHORT ? 32768 : 0;
        double scale = 255.0 / ((1L << bits) - 1);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            r.getSamples(0, y, w, 1, 0, row);
            grayRow(row, offset, scale, bits == 8 && offset == 0, px, y * w);
        }
        return px;
    }

    private static void grayRow(int[] row, long offset, double scale, boolean eight, int[] px, int at) {
        for (int x = 0; x < row.length; x++) {
            long v = offset != 0 ? row[x] + offset : row[x] & 0xFFFFFFFFL;
            int g = eight ? (int) v : (int) Math.max(0, Math.min(255, Math.round(v * scale)));
            px[at + x] = g * 0x010101;
        }
    }

    private static void floatGrayRow(float[] row, int[] px, int at) {
        for (int x = 0; x < row.length; x++) {
            float f = row[x];
            int g = f >= 1 ? 255 : f > 0 ? Math.round(f * 255) : 0;
            px[at + x] = g * 0x010101;
        }
    }

    /**
     * The pixels read straight from the raster's data for the layouts where that gives exactly what
     * {@code getRGB} (one {@code ColorModel.getRGB} per pixel) gives, alpha bits aside; null for any
     * other layout. Package-private for the tests that compare the two on every image type.
     */
    static int[] direct(BufferedImage img) {
        WritableRaster r = img.getRaster();
        ColorModel cm = img.getColorModel();
        DataBuffer db = r.getDataBuffer();
        if (db.getNumBanks() != 1 || r.getMinX() != 0 || r.getMinY() != 0) {
            return null;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        int tx = r.getSampleModelTranslateX();
        int ty = r.getSampleModelTranslateY();
        if (db instanceof DataBufferByte bytes && r.getSampleModel() instanceof ComponentSampleModel sm
                && cm.getTransferType() == DataBuffer.TYPE_BYTE) {
            for (int b = 0; b < sm.getNumBands(); b++) {
                if (sm.getSampleSize(b) != 8 || sm.getBankIndices()[b] != 0) {
                    return null;
                }
            }
            byte[] d = bytes.getData();
            int[] bo = sm.getBandOffsets();
            int ps = sm.getPixelStride();
            int ss = sm.getScanlineStride();
            int base = db.getOffset() - ty * ss - tx * ps;
            int[] px = new int[w * h];
            if (sm.getNumBands() == 1) {
                // Gray or indexed: getRGB hands each byte (as a one-element array) to the colour
                // model, whatever it is; tabulate that for the 256 values.
                int[] lut = new int[256];
                byte[] one = new byte[1];
                for (int v = 0; v < 256; v++) {
                    one[0] = (byte) v;
                    lut[v] = cm.getRGB(one) & 0xFFFFFF;
                }
                for (int y = 0; y < h; y++) {
                    lutRow(d, base + y * ss + bo[0], ps, lut, px, y * w, w);
                }
                return px;
            }
            // 8-bit sRGB components, alpha (if any) not premultiplied: getRGB returns the stored bytes.
            if (cm.getClass() != ComponentColorModel.class || !cm.getColorSpace().isCS_sRGB()
                    || cm.getNumColorComponents() != 3 || cm.isAlphaPremultiplied()
                    || sm.getNumBands() != cm.getNumComponents()) {
                return null;
            }
            for (int b = 0; b < cm.getNumComponents(); b++) {
                if (cm.getComponentSize(b) != 8) {
                    return null;
                }
            }
            for (int y = 0; y < h; y++) {
                rgbRow(d, base + y * ss, ps, bo[0], bo[1], bo[2], px, y * w, w);
            }
            return px;
        }
        if (db instanceof DataBufferInt ints && r.getSampleModel() instanceof SinglePixelPackedSampleModel sm
                && cm.getClass() == DirectColorModel.class && cm.getColorSpace().isCS_sRGB()
                && !cm.isAlphaPremultiplied()) {
            DirectColorModel dcm = (DirectColorModel) cm;
            if (dcm.getRedMask() != 0xFF0000 || dcm.getGreenMask() != 0xFF00 || dcm.getBlueMask() != 0xFF) {
                return null;
            }
            int[] masks = sm.getBitMasks();
            if (masks.length < 3 || masks[0] != 0xFF0000 || masks[1] != 0xFF00 || masks[2] != 0xFF) {
                return null;
            }
            // getRGB sees the stored int (the sample model hands it over whole) and keeps its RGB bits.
            int[] d = ints.getData();
            int ss = sm.getScanlineStride();
            int base = db.getOffset() - ty * ss - tx;
            int[] px = new int[w * h];
            for (int y = 0; y < h; y++) {
                maskRow(d, base + y * ss, px, y * w, w);
            }
            return px;
        }
        return null;
    }

    // The per-row loops are small methods of their own: the JIT compiles them early and quickly
    // (a command decodes only a few hundred images), instead of compiling one large method twice.

    private static void lutRow(byte[] d, int o, int ps, int[] lut, int[] px, int at, int w) {
        for (int x = 0; x < w; x++, o += ps) {
            px[at + x] = lut[d[o] & 0xFF];
        }
    }

    private static void rgbRow(byte[] d, int o, int ps, int or, int og, int ob, int[] px, int at, int w) {
        for (int x = 0; x < w; x++, o += ps) {
            px[at + x] = (d[o + or] & 0xFF) << 16 | (d[o + og] & 0xFF) << 8 | (d[o + ob] & 0xFF);
        }
    }

    private static void maskRow(int[] d, int o, int[] px, int at, int w) {
        for (int x = 0; x < w; x++) {
            px[at + x] = d[o + x] & 0xFFFFFF;
        }
    }

    /** Whether the decoder failed because the data ran out (an EOFException, possibly wrapped). */
    private static boolean endsEarly(Throwable e) {
        for (int depth = 0; e != null && depth < 8; depth++, e = e.getCause()) {
            if (e instanceof java.io.EOFException) {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage();
        String s = m == null || m.isBlank()
                ? (e instanceof java.io.EOFException ? "the file ends early" : e.getClass().getSimpleName()) : m;
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
