package org.mobilenet.cli.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.mobilenet.cli.Main;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Generates the man pages in {@code man/} from the command tree: {@code mobilenet.1} and one page per
 * (nested) subcommand, so a new subcommand gets its page when this runs.
 *
 * <p>Run: {@code mvn -B -q -pl cli -am process-classes -Pman-pages} (from the repository root), or
 * {@code java -cp 'cli/target/mobilenet-cli.jar:cli/target/lib/*' org.mobilenet.cli.docs.ManPages man}.
 */
public final class ManPages {
    /** How to regenerate the pages; the up-to-date test prints it. */
    public static final String REGENERATE = "mvn -B -q -pl cli -am process-classes -Pman-pages";

    private ManPages() {
    }

    /** File name to troff text for every visible command, sorted by file name. */
    public static Map<String, String> generate() {
        Map<String, String> pages = new TreeMap<>();
        add(Main.commandLine(false).getCommandSpec(), pages);
        return pages;
    }

    private static void add(CommandSpec spec, Map<String, String> pages) {
        pages.put(ManPage.fileName(spec), ManPage.render(spec));
        for (CommandSpec sub : ManPage.visibleSubcommands(spec)) {
            add(sub, pages);
        }
    }

    /** Writes the pages into {@code dir} (each through a temporary file) and deletes pages of removed commands. */
    public static void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, String> pages = generate();
        for (Map.Entry<String, String> e : pages.entrySet()) {
            Path tmp = Files.createTempFile(dir, ".tmp-", ".1");
            Files.writeString(tmp, e.getValue(), StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(e.getKey()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        try (Stream<Path> old = Files.list(dir)) {
            old.filter(p -> p.getFileName().toString().matches("mobilenet.*\\.1"))
                    .filter(p -> !pages.containsKey(p.getFileName().toString()))
                    .forEach(ManPages::delete);
        }
    }

    private static void delete(Path p) {
        try {
            Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ManPages [DIR]}: writes the pages into DIR (default: man). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "man");
        write(dir);
        System.out.println("wrote " + generate().size() + " man pages to " + dir);
    }
}
