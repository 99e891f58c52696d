package org.mobilenet.cli.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageInputsTest {
    @TempDir
    Path tmp;

    private static List<Path> all(ImageInputs in) {
        List<Path> out = new ArrayList<>();
        while (in.hasNext()) {
            ImageInputs.Input i = in.next();
            assertEquals(null, i.error(), i.toString());
            out.add(i.path());
        }
        return out;
    }

    @Test
    void cameraAndOtherCommonImageNamesAreImagesAndOthersAreNot() {
        for (String n : new String[] {"a.jpg", "B.JPEG", "c.jpe", "d.jfif", "DSCF0001.MPO", "e.png", "f.bmp", "g.dib",
                "h.gif", "i.webp", "j.tif", "k.TIFF"}) {
            assertTrue(ImageInputs.isImageName(Path.of("photos", n)), n);
        }
        for (String n : new String[] {"notes.txt", "model.tflite", "x.heic", "jpg", ".png.bak"}) {
            assertFalse(ImageInputs.isImageName(Path.of("photos", n)), n);
        }
    }

    @Test
    void aTreeComesOutInTheOrderOfSortingAllItsPaths() throws Exception {
        // Names where walking sorted directory by directory differs from a plain name sort:
        // "a.jpg" and "a-b.jpg" sort before the files of "a/" ('-' and '.' come before '/').
        for (String f : new String[] {"a/x.jpg", "a/b/y.png", "a.jpg", "a-b.jpg", "a0/z.gif", "B.BMP", "b/c/d/e.jpeg",
                "b/notes.txt", "b/c.jpg", "z.bmp", "empty/.keep"}) {
            Path p = tmp.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, f);
        }
        List<Path> expected;
        try (Stream<Path> s = Files.walk(tmp)) {
            expected = s.filter(Files::isRegularFile).filter(ImageInputs::isImageName).sorted().toList();
        }
        assertEquals(9, expected.size(), expected.toString());
        try (ImageInputs in = ImageInputs.of(List.of(tmp.toString()), InputStream.nullInputStream())) {
            assertEquals(expected, all(in));
        }
        assertEquals(expected, ImageInputs.expand(List.of(tmp.toString()), InputStream.nullInputStream()));
    }

    @Test
    void skippedFilesRideWithTheNextImageInTreeOrderAndTheRestComeAtTheEnd() throws Exception {
        for (String f : new String[] {"a.txt", "b.jpg", "c/d.md", "c/e.WEBP", "f.tiff", "g.pdf", "h/.DS_Store"}) {
            Path p = tmp.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, f);
        }
        List<String> seen = new ArrayList<>();
        try (ImageInputs in = ImageInputs.of(List.of(tmp.toString()), InputStream.nullInputStream())) {
            while (in.hasNext()) {
                ImageInputs.Input i = in.next();
                for (ImageInputs.Skipped s : i.skipped()) {
                    seen.add("skip " + tmp.relativize(s.path()));
                }
                seen.add("image " + tmp.relativize(i.path()));
            }
            for (ImageInputs.Skipped s : in.remainingSkipped()) {
                seen.add("skip " + tmp.relativize(s.path()));
                assertTrue(s.reason().startsWith("not an image file name"), s.reason());
            }
            assertEquals(List.of(), in.remainingSkipped(), "reported once");
        }
        assertEquals(List.of("skip a.txt", "image b.jpg", "skip c/d.md", "image c/e.WEBP", "image f.tiff", "skip g.pdf",
                "skip h/.DS_Store"), seen);
    }

    @Test
    void argumentsAndStandardInputKeepTheirOrderAndMissingFilesStay() throws Exception {
        Files.createDirectories(tmp.resolve("d"));
        Files.writeString(tmp.resolve("d/2.png"), "x");
        Files.writeString(tmp.resolve("d/1.png"), "x");
        String stdin = "\n  " + tmp.resolve("zz.jpg") + "  \n\n" + tmp.resolve("d") + "\n" + tmp.resolve("aa.jpg") + "\n";
        InputStream s = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        try (ImageInputs in = ImageInputs.of(List.of(tmp.resolve("m.gif").toString(), "-", tmp.resolve("k.bmp").toString()), s)) {
            assertEquals(List.of(tmp.resolve("m.gif"), tmp.resolve("zz.jpg"), tmp.resolve("d/1.png"), tmp.resolve("d/2.png"),
                    tmp.resolve("aa.jpg"), tmp.resolve("k.bmp")), all(in));
        }
    }

    @Test
    void aDirectoryNamedOnStandardInputIsWalkedWithoutWaitingForMoreInput() throws Exception {
        Files.createDirectories(tmp.resolve("d"));
        for (int i = 0; i < 3; i++) {
            Files.writeString(tmp.resolve("d/" + i + ".png"), "x");
        }
        // A pipe that has delivered one line and stays open: nothing more is ready.
        java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
        java.io.PipedInputStream s = new java.io.PipedInputStream(feed, 1 << 12);
        feed.write((tmp.resolve("d") + "\n").getBytes(StandardCharsets.UTF_8));
        feed.flush();
        try (ImageInputs in = ImageInputs.of(List.of("-"), s)) {
            assertTrue(in.hasNext());
            assertEquals(tmp.resolve("d/0.png"), in.next().path());
            assertTrue(in.nextReady(), "the directory's other images are at hand");
            in.next();
            assertTrue(in.nextReady());
            in.next();
            assertFalse(in.nextReady(), "the next path would have to come from the pipe");
            feed.close();
            assertFalse(in.hasNext());
        }
    }

    @Test
    void standardInputIsReadOneLineAtATime() throws Exception {
        int[] read = new int[1];
        InputStream counting = new InputStream() {
            private final byte[] data = ("a.jpg\nb.jpg\n").repeat(1000).getBytes(StandardCharsets.UTF_8);

            @Override
            public int read() {
                return read[0] < data.length ? data[read[0]++] : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                // A pipe hands over what is there: one line at a time here.
                if (read[0] >= data.length) {
                    return -1;
                }
                int n = 0;
                while (n < len && read[0] < data.length) {
                    byte c = data[read[0]++];
                    b[off + n++] = c;
                    if (c == '\n') {
                        break;
                    }
                }
                return n;
            }
        };
        try (ImageInputs in = ImageInputs.of(List.of("-"), counting)) {
            assertTrue(in.hasNext());
            assertEquals(Path.of("a.jpg"), in.next().path());
            assertTrue(read[0] <= 12, "read " + read[0] + " bytes for one path");
        }
    }

    @Test
    void anUnreadableDirectoryIsAFailedInput() throws Exception {
        Path locked = Files.createDirectories(tmp.resolve("locked"));
        Files.writeString(locked.resolve("a.jpg"), "x");
        boolean denied = locked.toFile().setReadable(false) && !Files.isReadable(locked);
        try {
            if (!denied) {
                return; // running as root: permissions are not enforced
            }
            try (ImageInputs in = ImageInputs.of(List.of(tmp.toString()), InputStream.nullInputStream())) {
                ImageInputs.Input i = in.next();
                assertEquals(locked, i.path());
                assertTrue(i.error().startsWith("cannot list the directory"), i.error());
                assertFalse(in.hasNext());
            }
        } finally {
            locked.toFile().setReadable(true);
        }
    }

    @Test
    void theInputsExpectedAheadCountListingsReadAndArgumentsLeftWithoutReadingMore() throws Exception {
        for (String f : new String[] {"d/1.jpg", "d/2.png", "d/notes.txt", "d/3.bmp", "d/sub/4.jpg"}) {
            Path p = tmp.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, f);
        }
        String dir = tmp.resolve("d").toString();
        try (ImageInputs in = ImageInputs.of(List.of("x.jpg", dir, "y.jpg", "-"),
                new ByteArrayInputStream("z.jpg\n".getBytes(StandardCharsets.UTF_8)))) {
            assertEquals(3, in.expectedMore(), "three arguments that are not '-' (the directory counts one)");
            assertEquals(Path.of("x.jpg"), in.next().path());
            assertEquals(2, in.expectedMore());
            assertEquals(tmp.resolve("d/1.jpg"), in.next().path());
            // Listed: 2.png and 3.bmp left (the text file is not an image, sub/ is not listed yet); y.jpg.
            assertEquals(3, in.expectedMore());
            assertTrue(in.hasNext());
            assertEquals(3, in.expectedMore(), "the prepared input counts until it is taken");
            List<Path> rest = all(in);
            assertEquals(5, rest.size(), rest.toString()); // 2.png, 3.bmp, sub/4.jpg, y.jpg, z.jpg
            assertEquals(0, in.expectedMore());
        }
    }

    @Test
    void theCountIsKnownOnlyForFilesNamedOnTheCommandLine() throws Exception {
        assertEquals(OptionalInt.of(2), ImageInputs.knownCount(List.of("a.jpg", "b.png")));
        assertEquals(OptionalInt.empty(), ImageInputs.knownCount(List.of("a.jpg", "-")));
        assertEquals(OptionalInt.empty(), ImageInputs.knownCount(List.of(tmp.toString())));
    }
}
