package org.mobilenet.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.mobilenet.engine.run.KernelChoice;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the tool's version, the Java runtime and the active kernels. */
public final class VersionInfo implements IVersionProvider {

    /** The project version from the build, or "unknown". */
    public static String version() {
        try (InputStream in = VersionInfo.class.getResourceAsStream("/mobilenet-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "mobilenet " + version(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
            "kernels: " + KernelChoice.defaultKernels().name(),
        };
    }
}
