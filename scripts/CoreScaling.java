/**
 * Whether this machine's cores run two threads as fast as one: the same work on one thread, then on two
 * at once, for a chain of dependent scalar operations (bound by latency) and for a loop C2 vectorizes
 * (bound by the vector units' throughput, like the engine's kernels). Two vCPUs that are one physical
 * core's two hardware threads scale the first by about 2 and the second by about 1.
 *
 * <p>Run: {@code java scripts/CoreScaling.java} (a single-file program, JDK 11 or newer).
 */
public class CoreScaling {
    static double chain(long n) {
        double s = 0;
        for (long i = 1; i < n; i++) {
            s += Math.sqrt(i) * 1.0000001;
        }
        return s;
    }

    static float vector(float[] a, float[] b, int reps) {
        float s = 0;
        for (int r = 0; r < reps; r++) {
            for (int i = 0; i < a.length; i++) {
                a[i] = a[i] * 0.999f + b[i];
            }
            s += a[r % a.length];
        }
        return s;
    }

    interface Work {
        void run(int thread);
    }

    /**
     * One thread's time over two threads' time for twice the work (2 when the second thread is free),
     * the median of 7 rounds.
     */
    static double scaling(Work w) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            w.run(0); // compiled before timing
        }
        double[] ratios = new double[7];
        for (int round = 0; round < ratios.length; round++) {
            long t = System.nanoTime();
            w.run(0);
            long one = System.nanoTime() - t;
            Thread a = new Thread(() -> w.run(0));
            Thread b = new Thread(() -> w.run(1));
            t = System.nanoTime();
            a.start();
            b.start();
            a.join();
            b.join();
            long two = System.nanoTime() - t;
            ratios[round] = 2.0 * one / two;
        }
        java.util.Arrays.sort(ratios);
        return ratios[ratios.length / 2];
    }

    public static void main(String[] args) throws InterruptedException {
        float[][] as = {new float[1024], new float[1024]};
        float[][] bs = {new float[1024], new float[1024]};
        System.out.printf("available processors: %d%n", Runtime.getRuntime().availableProcessors());
        System.out.printf("scalar dependency chain: two threads do %.2fx the work of one%n", scaling(t -> chain(50_000_000L)));
        System.out.printf("vectorized multiply-add loop: two threads do %.2fx the work of one%n",
                scaling(t -> vector(as[t], bs[t], 400_000)));
    }
}
