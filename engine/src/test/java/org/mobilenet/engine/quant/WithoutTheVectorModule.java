package org.mobilenet.engine.quant;

import java.util.Arrays;
import org.mobilenet.engine.kernels.ScalarKernels;
import org.mobilenet.engine.model.Model;
import org.mobilenet.engine.model.QuantType;
import org.mobilenet.engine.run.KernelChoice;
import org.mobilenet.engine.run.Network;

/**
 * Run by {@link WithoutTheVectorModuleTest} in a JVM started without {@code --add-modules
 * jdk.incubator.vector}, as a program embedding the engine may be: the integer path and the float
 * path must run there, on their plain loops, with the reference's values. Prints "ok", or what
 * differed, and exits non-zero then.
 */
public final class WithoutTheVectorModule {
    private WithoutTheVectorModule() {
    }

    public static void main(String[] args) {
        // A failure on another thread (a warm-up touching the Vector API) fails the check too.
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> fail(t.getName() + ": " + e));
        if (KernelChoice.vectorApiPresent()) {
            fail("this JVM has the Vector API module; the check needs one without");
        }
        Model m = QuantizedModels.quantized(QuantizedModels.oddGraph(), 4, QuantType.UINT8);
        QuantizedNetwork net = QuantizedNetwork.compile(m);
        int[] x = QuantizedModels.input(net, 2, 11);
        int[] ref = net.forwardReference(x, 2);
        for (QuantizedNetwork.Kernels k : QuantizedNetwork.Kernels.values()) {
            if (!Arrays.equals(ref, net.forward(x, 2, k))) {
                fail("integer path, " + k + " kernels: not the reference's values");
            }
        }
        float[] in = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            in[i] = net.input().dequantize(x[i], 0);
        }
        float[] want = Network.compile(m, new ScalarKernels()).forward(in, 2);
        float[] got = Network.compile(m).forward(in, 2);
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(want[i] - got[i]) <= 1e-4f * (1 + Math.abs(want[i])))) {
                fail("float path: output " + i + " is " + got[i] + ", the scalar kernels give " + want[i]);
            }
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().contains("warmup")) {
                fail("a warm-up thread was started: " + t.getName());
            }
        }
        System.out.println("ok");
    }

    private static void fail(String why) {
        System.out.println(why);
        Runtime.getRuntime().halt(1);
    }
}
