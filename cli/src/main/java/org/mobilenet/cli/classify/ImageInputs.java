package org.mobilenet.cli.classify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.OptionalInt;

/**
 * The command line's IMAGE arguments, expanded lazily: files as given, directories recursively
 * (JPEG, PNG, BMP, GIF, WebP and TIFF files by extension, in sorted path order), and {@code -} for a
 * list of paths on standard input (one per line, blank lines skipped; a line naming a directory is
 * expanded too). Paths that do not exist are kept, so that they are reported as failed images; a
 * directory that cannot be listed becomes one failed input. The other files met in a directory are
 * skipped, not failed: each is reported as a {@link Skipped} note carried by the next input (in tree
 * order), and those after the last input by {@link #remainingSkipped}.
 *
 * <p>Nothing is collected up front: standard input is read a line at a time as inputs are taken, and
 * a directory tree is walked depth first holding one sorted listing per open directory level (so the
 * memory is that of the largest single directory, not of the whole tree). The order is the same as
 * sorting every path found: a subdirectory's entries sort as if its name ended with the separator.
 * One thread at a time.
 */
public final class ImageInputs implements Iterator<ImageInputs.Input>, AutoCloseable {
    /**
     * An image path, or a path that failed before decoding (error is then its one-line reason), with
     * the files skipped in a directory since the previous input.
     */
    public record Input(Path path, String error, List<Skipped> skipped) {
        public Input {
            skipped = List.copyOf(skipped);
        }

        public Input(Path path, String error) {
            this(path, error, List.of());
        }
    }

    /** A file found in a directory and not classified, and why (one line). */
    public record Skipped(Path path, String reason) {
    }

    /** What the names of images end with (any case). */
    static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".jpe", ".jfif", ".mpo", ".png", ".bmp", ".dib", ".gif",
            ".webp", ".tif", ".tiff");

    private final Iterator<String> args;
    /** Arguments not yet taken that are not '-': each is at least one input (or a directory). */
    private int fileArgsLeft;
    /** Image-named files left in the listings read so far (see {@link #expectedMore()}). */
    private long listedLeft;
    private final InputStream stdin;
    private BufferedReader lines;
    private boolean readingStdin;
    /** Open directory levels, deepest first: each holds the rest of its sorted listing. */
    private final Deque<Iterator<Entry>> dirs = new ArrayDeque<>();
    private Input next;
    /** Files skipped since the last input was made. */
    private final List<Skipped> skipped = new ArrayList<>();

    private final boolean listOnStdin;

    private ImageInputs(List<String> args, InputStream stdin) {
        this.args = List.copyOf(args).iterator();
        this.stdin = stdin;
        this.listOnStdin = args.contains("-");
        for (String a : args) {
            fileArgsLeft += a.equals("-") ? 0 : 1;
        }
    }

    /**
     * True when {@link #hasNext()} may wait for more input (a list of paths on standard input, which
     * another program may still be writing): a consumer must not hold results back until then.
     */
    public boolean mayWait() {
        return listOnStdin;
    }

    /**
     * True when {@link #hasNext()} can answer without waiting for standard input: an input is prepared,
     * none is being read from standard input, or a line of it has arrived. A consumer cutting batches
     * from a list on standard input stops at what has arrived rather than wait for a whole batch.
     */
    public boolean nextReady() {
        if (next != null || dirs.stream().anyMatch(Iterator::hasNext) || !readingStdin) {
            return true; // entries left of a directory named on standard input are walked without waiting
        }
        try {
            return lines.ready();
        } catch (IOException e) {
            return true; // hasNext() reports it
        }
    }

    /**
     * Inputs known to be coming without reading anything more: the one {@link #hasNext()} has
     * prepared, the image-named files left in the directory listings read so far, and one for each
     * argument not yet taken (a directory counts one until it is listed; the lines of standard input
     * count none). For a consumer weighing the work ahead; never blocks.
     */
    public long expectedMore() {
        return (next != null ? 1 : 0) + listedLeft + fileArgsLeft;
    }

    /** The inputs named by {@code args}, read lazily; {@code stdin} is read for a '-' argument. */
    public static ImageInputs of(List<String> args, InputStream stdin) {
        return new ImageInputs(args, stdin);
    }

    /**
     * How many inputs {@code args} name when that is known without reading them (no '-' and no
     * directory among them).
     */
    public static OptionalInt knownCount(List<String> args) {
        for (String a : args) {
            if (a.equals("-") || Files.isDirectory(path(a))) {
                return OptionalInt.empty();
            }
        }
        return OptionalInt.of(args.size());
    }

    /** All inputs at once, as paths (for small folders); an unreadable directory is an IOException. */
    public static List<Path> expand(List<String> args, InputStream stdin) throws IOException {
        List<Path> out = new ArrayList<>();
        try (ImageInputs in = of(args, stdin)) {
            while (in.hasNext()) {
                Input i = in.next();
                if (i.error() != null) {
                    throw new IOException(i.path() + ": " + i.error());
                }
                out.add(i.path());
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return out;
    }

    /** May block on standard input; an error reading it is an {@link UncheckedIOException}. */
    @Override
    public boolean hasNext() {
        while (next == null) {
            if (!dirs.isEmpty()) {
                Iterator<Entry> level = dirs.peek();
                if (!level.hasNext()) {
                    dirs.pop();
                    continue;
                }
                Entry e = level.next();
                if (!e.dir() && isImageName(e.path())) {
                    listedLeft--;
                }
                if (e.dir()) {
                    open(e.path());
                } else if (!isImageName(e.path())) {
                    skipped.add(new Skipped(e.path(), Files.isDirectory(e.path())
                            ? "a link to a directory (links are not followed inside a directory)"
                            : "not an image file name (" + String.join(" ", EXTENSIONS) + ")"));
                } else if (!Files.isRegularFile(e.path())) {
                    skipped.add(new Skipped(e.path(), "not a regular file"));
                } else {
                    next = input(e.path(), null);
                }
                continue;
            }
            String arg = nextArgument();
            if (arg == null) {
                return false;
            }
            Path p;
            try {
                p = Path.of(arg);
            } catch (InvalidPathException e) {
                next = input(path(arg), "not a valid path: " + e.getReason());
                continue;
            }
            if (Files.isDirectory(p)) {
                open(p);
            } else {
                next = input(p, null);
            }
        }
        return true;
    }

    /** An input carrying the files skipped before it. */
    private Input input(Path p, String error) {
        Input i = new Input(p, error, skipped);
        skipped.clear();
        return i;
    }

    /** The files skipped after the last input (once {@link #hasNext} returned false), then forgotten. */
    public List<Skipped> remainingSkipped() {
        List<Skipped> s = List.copyOf(skipped);
        skipped.clear();
        return s;
    }

    @Override
    public Input next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Input i = next;
        next = null;
        return i;
    }

    /** The next command-line argument or standard-input line (stripped, blank lines skipped), or null at the end. */
    private String nextArgument() {
        while (true) {
            if (readingStdin) {
                String line;
                try {
                    line = lines.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(new IOException("cannot read the list of images on standard input: "
                            + e.getMessage(), e));
                }
                if (line == null) {
                    readingStdin = false;
                } else if (!line.isBlank()) {
                    return line.strip();
                }
                continue;
            }
            if (!args.hasNext()) {
                return null;
            }
            String a = args.next();
            if (!a.equals("-")) {
                fileArgsLeft--;
                return a;
            }
            if (lines == null) {
                lines = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
            }
            readingStdin = true;
        }
    }

    /** Lists a directory, sorted, as the next level to walk; a directory that cannot be read is a failed input. */
    private void open(Path dir) {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                // Links to directories are not followed inside a tree (as Files.walk): no cycles.
                entries.add(new Entry(p, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)));
            }
        } catch (IOException | UncheckedIOException | SecurityException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            next = input(dir, "cannot list the directory: " + m.replace('\n', ' '));
            return;
        }
        entries.sort(TREE_ORDER);
        for (Entry e : entries) {
            if (!e.dir() && isImageName(e.path())) {
                listedLeft++;
            }
        }
        dirs.push(entries.iterator());
    }

    /** A directory entry: a file (an image or one to skip), or a subdirectory. */
    private record Entry(Path path, boolean dir) {
    }

    /**
     * Entries of one directory in the order a sort of all paths of the tree puts what they hold: a
     * subdirectory compares as its path plus one more name element (so "a.jpg" sorts before the files
     * of "a/", as '.' comes before '/').
     */
    private static final Comparator<Entry> TREE_ORDER = Comparator.comparing(
            e -> e.dir() ? e.path().resolve("x") : e.path());

    /** True for the extensions of {@link #EXTENSIONS} (any case; .mpo: a camera's multi-picture JPEG, its first picture). */
    public static boolean isImageName(Path p) {
        Path name = p.getFileName();
        if (name == null) {
            return false;
        }
        String n = name.toString().toLowerCase(Locale.ROOT);
        for (String e : EXTENSIONS) {
            if (n.endsWith(e)) {
                return true;
            }
        }
        return false;
    }

    private static Path path(String a) {
        try {
            return Path.of(a);
        } catch (InvalidPathException e) {
            return Path.of(a.replace('\0', '?'));
        }
    }

    /** Forgets the open directory listings; standard input is left open (it is not ours). */
    @Override
    public void close() {
        dirs.clear();
        next = null;
        skipped.clear();
    }
}
