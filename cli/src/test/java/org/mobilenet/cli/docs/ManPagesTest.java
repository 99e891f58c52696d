package org.mobilenet.cli.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManPagesTest {

    private static Path manDir() {
        return Path.of(System.getProperty("mobilenet.root", "..")).toAbsolutePath().normalize().resolve("man");
    }

    @Test
    void committedPagesMatchTheCommandTree() throws IOException {
        Map<String, String> expected = ManPages.generate();
        Map<String, String> committed = new TreeMap<>();
        try (Stream<Path> files = Files.list(manDir())) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".1")).toList()) {
                committed.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        assertEquals(expected.keySet(), committed.keySet(),
                "man pages missing or left over in man/: run `" + ManPages.REGENERATE + "` to regenerate");
        expected.forEach((name, text) -> assertEquals(text, committed.get(name),
                "man/" + name + " is out of date: run `" + ManPages.REGENERATE + "` to regenerate"));
    }

    @Test
    void everyVisibleCommandGetsAPageNamedAfterIt() {
        Map<String, String> pages = ManPages.generate();
        assertTrue(pages.containsKey("mobilenet.1"));
        assertTrue(pages.containsKey("mobilenet-profile.1"));
        assertTrue(pages.containsKey("mobilenet-shell.1"));
        assertTrue(pages.containsKey("mobilenet-completion.1"));
        String root = pages.get("mobilenet.1");
        assertTrue(root.startsWith(".TH MOBILENET 1 "), root);
        assertTrue(root.contains(".SH COMMANDS\n.TP\n"), root);
        assertTrue(root.contains(".TP\n\\fBprofile\\fR\n"), root);
    }

    @Test
    void pagesListOptionsWithDefaultsAndTheExitCodes() {
        String profile = ManPages.generate().get("mobilenet-profile.1");
        assertTrue(profile.contains(".SH NAME\nmobilenet\\-profile \\- Print Mult\\-Adds"), profile);
        assertTrue(profile.contains("\\fB\\-\\-runs\\fR=\\fIN\\fR\nTimed forward passes for \\-\\-measure (default: 20).\n"), profile);
        assertTrue(profile.contains("\\fB\\-\\-alpha\\fR=\\fIA\\fR[,\\fIA\\fR...]\n"), profile);
        assertTrue(profile.contains(".SH EXIT STATUS\n.TP\n\\fB0\\fR\nsuccess\n"), profile);
        assertTrue(profile.contains(".TP\n\\fB70\\fR\ninternal error"), profile);
        assertTrue(profile.contains(".SH SEE ALSO\n\\fBmobilenet\\fR(1)\n"), profile);
    }

    @Test
    void writeReplacesPagesAndRemovesPagesOfRemovedCommands(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("mobilenet-gone.1"), "old");
        Files.writeString(dir.resolve("mobilenet-profile.1"), "stale");
        Files.writeString(dir.resolve("README"), "kept");
        ManPages.write(dir);
        assertTrue(Files.notExists(dir.resolve("mobilenet-gone.1")));
        assertEquals(ManPages.generate().get("mobilenet-profile.1"), Files.readString(dir.resolve("mobilenet-profile.1")));
        assertEquals("kept", Files.readString(dir.resolve("README")));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(ManPages.generate().size() + 1, files.count());
        }
    }
}
