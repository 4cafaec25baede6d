package org.sparkgru.bench;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.sparkgru.kernel.Bptt;
import org.sparkgru.kernel.Gates;
import org.sparkgru.kernel.KernelBackend;
import org.sparkgru.kernel.Loss;
import org.sparkgru.kernel.Sgemm;
import org.sparkgru.model.Initializer;
import org.sparkgru.model.NetworkSpec;
import org.sparkgru.model.Variant;

/**
 * Where a training step's time goes: runs one reference shape with an {@link Sgemm} decorator that times every
 * product by shape, and prints milliseconds per step and GFLOP/s per GEMM shape, the gate code and the rest. The
 * decorator's bookkeeping costs a few percent; use {@link TrainingThroughputBenchmark} for throughput.
 *
 * <p>Usage (after {@code mvn test-compile}):
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:$(cat
 * target/test-classpath.txt) org.sparkgru.bench.StepProfile S4 reset-after}
 */
public final class StepProfile {
    private final Map<String, double[]> totals = new TreeMap<>();

    private StepProfile() {
    }

    private void add(String key, long nanos, double flops) {
        double[] t = totals.computeIfAbsent(key, k -> new double[3]);
        t[0] += nanos;
        t[1]++;
        t[2] += flops;
    }

    private Sgemm timed(Sgemm inner) {
        return new Sgemm() {
            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
                long t = System.nanoTime();
                inner.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                add(String.format("gemm %s%s [%dx%d]x[%dx%d]", ta ? "T" : "N", tb ? "T" : "N", m, k, k, n),
                        System.nanoTime() - t, 2.0 * m * n * k);
            }

            @Override
            public PackedB packB(boolean tb, int k, int n, float[] b, int bOff, int ldb, PackedB reuse) {
                long t = System.nanoTime();
                PackedB p = inner.packB(tb, k, n, b, bOff, ldb, reuse);
                add("pack recurrent weights", System.nanoTime() - t, 0);
                return p;
            }

            @Override
            public void sgemmPacked(boolean ta, int m, float alpha, float[] a, int aOff, int lda, PackedB b,
                                    float beta, float[] c, int cOff, int ldc) {
                long t = System.nanoTime();
                inner.sgemmPacked(ta, m, alpha, a, aOff, lda, b, beta, c, cOff, ldc);
                add(String.format("per-step [%dx%d]x[%dx%d]", m, b.k(), b.k(), b.n()), System.nanoTime() - t,
                        2.0 * m * b.n() * b.k());
            }
        };
    }

    public static void main(String[] args) {
        int[] s = TrainingThroughputBenchmark.SHAPES.get(args.length > 0 ? args[0] : "S4");
        Variant variant = Variant.parse(args.length > 1 ? args[1] : "reset-after");
        StepProfile prof = new StepProfile();
        KernelBackend best = KernelBackend.best();
        Gates gates = best.gates();
        NetworkSpec spec = NetworkSpec.regression(s[2], s[3], s[4], variant, s[5], 1);
        Bptt k = new Bptt(spec, new KernelBackend(prof.timed(best.sgemm()), gates), s[0], s[1]);
        Random rnd = new Random(1);
        for (int i = 0; i < k.input().length; i++) {
            k.input()[i] = (float) rnd.nextGaussian();
        }
        float[] p = Initializer.keras(spec, 0);
        float[] g = new float[p.length];
        Loss mse = Loss.of(Loss.Kind.MSE);
        for (int i = 0; i < 5; i++) {
            k.lossAndGradient(p, s[0], mse, g, 1f / s[0]);
        }
        prof.totals.clear();
        int steps = 5;
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            k.lossAndGradient(p, s[0], mse, g, 1f / s[0]);
        }
        double total = (System.nanoTime() - t0) / 1e6 / steps;
        double gemm = 0;
        System.out.printf("%s %s, %s: %.1f ms/step%n", args.length > 0 ? args[0] : "S4", variant.id(),
                best.sgemm().name(), total);
        for (Map.Entry<String, double[]> e : prof.totals.entrySet()) {
            double ms = e.getValue()[0] / 1e6 / steps;
            gemm += ms;
            System.out.printf("  %-40s %8.2f ms/step %6.0f calls/step %7.1f GFLOP/s%n", e.getKey(), ms,
                    e.getValue()[1] / steps, e.getValue()[2] / (e.getValue()[0] / 1e9) / 1e9);
        }
        System.out.printf("  %-40s %8.2f ms/step%n", "gates, head, loss, bookkeeping", total - gemm);
    }
}
