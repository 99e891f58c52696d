package org.mobilenet.engine.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.mobilenet.engine.arch.LayerKind;
import org.mobilenet.engine.arch.LayerSpec;
import org.mobilenet.engine.arch.Pads;
import org.mobilenet.engine.arch.Shape;
import org.mobilenet.engine.arch.Activation;
import org.mobilenet.engine.kernels.Kernels;
import org.mobilenet.engine.kernels.Parallel;
import org.mobilenet.engine.kernels.PreparedLayer;
import org.mobilenet.engine.kernels.ScalarKernels;
import org.mobilenet.engine.kernels.VectorKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One prepared layer of each kind, vector against scalar kernels, single-threaded, on MobileNet
 * 1.0/224 shapes: the stem conv, a stride-1 and a stride-2 depthwise, a 14x14x512 pointwise and the
 * 1024 -> 1000 classifier. Not a test: run with the {@code bench} profile.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class KernelBenchmark {

    @Param({"vector", "scalar"})
    public String kernels;

    @Param({"stem", "dw56s1", "dw56s2", "pw14", "fc"})
    public String layer;

    private PreparedLayer prepared;
    private float[] in;
    private float[] out;

    @Setup
    public void setUp() {
        LayerSpec l = switch (layer) {
            case "stem" -> new LayerSpec("conv1", LayerKind.CONV, 3, 2, new Pads(0, 0, 1, 1),
                    new Shape(224, 224, 3), new Shape(112, 112, 32));
            case "dw56s1" -> new LayerSpec("dw", LayerKind.DEPTHWISE, 3, 1, new Pads(1, 1, 1, 1),
                    new Shape(56, 56, 128), new Shape(56, 56, 128));
            case "dw56s2" -> new LayerSpec("dw", LayerKind.DEPTHWISE, 3, 2, new Pads(0, 0, 1, 1),
                    new Shape(56, 56, 128), new Shape(28, 28, 128));
            case "pw14" -> new LayerSpec("pw", LayerKind.POINTWISE, 1, 1, Pads.NONE,
                    new Shape(14, 14, 512), new Shape(14, 14, 512));
            case "fc" -> new LayerSpec("fc", LayerKind.FC, 1, 1, Pads.NONE, new Shape(1, 1, 1024), new Shape(1, 1, 1000));
            default -> throw new IllegalArgumentException(layer);
        };
        int weights = switch (l.kind()) {
            case DEPTHWISE -> l.kernel() * l.kernel() * l.inChannels();
            default -> l.kernel() * l.kernel() * l.inChannels() * l.outChannels();
        };
        SplittableRandom r = new SplittableRandom(1);
        Kernels k = kernels.equals("vector") ? new VectorKernels() : new ScalarKernels();
        prepared = k.prepare(l, random(r, weights), random(r, l.outChannels()), Activation.RELU6);
        in = random(r, (int) l.in().size());
        out = new float[(int) l.out().size()];
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    @Benchmark
    public float[] run() {
        prepared.run(in, 1, out, Parallel.SERIAL);
        return out;
    }
}
