package org.mobilenet.engine.bench;

import java.util.concurrent.TimeUnit;
import org.mobilenet.engine.arch.ModelSpec;
import org.mobilenet.engine.kernels.VectorKernels;
import org.mobilenet.engine.model.SeededInit;
import org.mobilenet.engine.run.Network;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** A whole forward pass (batch 1, seeded weights) on the vector kernels, by model and thread count. */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class NetworkBenchmark {

    @Param({"1.0/224", "0.25/128"})
    public String model;

    @Param({"1", "2"})
    public int threads;

    private Network net;
    private float[] in;
    private float[] out;

    @Setup
    public void setUp() {
        String[] ar = model.split("/");
        ModelSpec spec = ModelSpec.paper().withAlpha(Double.parseDouble(ar[0])).withResolution(Integer.parseInt(ar[1]));
        net = Network.compile(SeededInit.create(spec, 1), new VectorKernels(), threads);
        in = new float[net.inputSize()];
        for (int i = 0; i < in.length; i++) {
            in[i] = (i % 255) / 128f - 1;
        }
        out = new float[net.outputSize()];
    }

    @TearDown
    public void tearDown() {
        net.close();
    }

    @Benchmark
    public float[] forward() {
        return net.forward(in, 1, out);
    }
}
