package org.mobilenet.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.mobilenet.engine.run.KernelChoice;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the tool's version, the Java runtime, the active kernels and the ONNX Runtime version. */
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
            "kernels: " + KernelChoice.defaultKernelsName(),
            "ONNX Runtime " + onnxRuntimeVersion(),
        };
    }

    /**
     * The version of the ONNX Runtime jar on the class path, from its manifest, without loading ORT's
     * native library (the class is looked up but not initialized); "not available" when it is missing.
     */
    public static String onnxRuntimeVersion() {
        try {
            Class<?> c = Class.forName("ai.onnxruntime.OrtEnvironment", false, VersionInfo.class.getClassLoader());
            String v = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
            return v == null ? "unknown" : v;
        } catch (ClassNotFoundException | LinkageError e) {
            return "not available";
        }
    }
}
