package org.sparkgru.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sparkgru.kernel.Bptt;
import org.sparkgru.kernel.KernelBackend;
import org.sparkgru.kernel.Loss;
import org.sparkgru.model.Initializer;
import org.sparkgru.model.NetworkSpec;
import org.sparkgru.model.Variant;
import org.sparkgru.training.Adam;

/**
 * Single-thread training throughput of the kernel on the reference shapes of {@code shared/bench/torch_gru.py}:
 * one step = forward over the window, dense head on the last hidden state, MSE, full BPTT, Adam update, exactly as
 * the PyTorch script measures it. Timing follows the script too: 3 warm-up steps, then 5 rounds of at least 0.6 s,
 * median rate. FLOP model (GEMMs only, as the script): {@code 18 B T H (I + H)} summed over layers, I = H above
 * layer 1.
 *
 * <p>Not a test: run it with {@code src/bench/kernel-bench.sh}, which also runs the peers in the same session.
 * Arguments: {@code [--torch FILE] [--peak GFLOPS] [--shapes S1,S2] [--backends vector,javablas]
 * [--variants reset-after,reset-before] [--rounds N] [--seconds S] [--pollute]}. {@code --pollute} first runs
 * netlib's own Vector API BLAS (as Spark MLlib or Breeze code in the same JVM would) to show its effect on JDK 17.
 */
public final class TrainingThroughputBenchmark {

    /** name -> batch, window, inputs, hidden, layers, horizon. */
    static final Map<String, int[]> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("S1", new int[] {64, 48, 8, 64, 1, 12});
        SHAPES.put("S2", new int[] {64, 48, 8, 128, 1, 12});
        SHAPES.put("S3", new int[] {128, 168, 4, 128, 2, 24});
        SHAPES.put("S4", new int[] {256, 96, 16, 256, 1, 24});
    }

    private TrainingThroughputBenchmark() {
    }

    static double flops(int[] s) {
        double f = 0;
        for (int l = 0; l < s[4]; l++) {
            f += 18.0 * s[0] * s[1] * s[3] * ((l == 0 ? s[2] : s[3]) + s[3]);
        }
        return f;
    }

    /** Heap bytes the measuring thread allocated per step in the last round (0 when the JVM cannot tell). */
    static long allocatedPerStep;

    /** Median steps per second. */
    static double measure(int[] s, KernelBackend backend, Variant variant, int rounds, double seconds) {
        NetworkSpec spec = NetworkSpec.regression(s[2], s[3], s[4], variant, s[5], 1);
        Bptt k = new Bptt(spec, backend, s[0], s[1]);
        Random rnd = new Random(0);
        float[] x = k.input();
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] y = k.targets();
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) rnd.nextGaussian();
        }
        float[] params = Initializer.keras(spec, 0);
        float[] grad = new float[params.length];
        Adam adam = Adam.withDefaults(params.length);
        Loss mse = Loss.of(Loss.Kind.MSE);
        Runnable step = () -> {
            Arrays.fill(grad, 0f);
            k.lossAndGradient(params, s[0], mse, grad, 1f / s[0]);
            adam.step(params, grad, 1e-3);
        };
        for (int i = 0; i < 3; i++) {
            step.run();
        }
        double[] rates = new double[rounds];
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int r = 0; r < rounds; r++) {
            long bytes0 = threads.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            int n = 0;
            while (n < 2 || System.nanoTime() - t0 < seconds * 1e9) {
                step.run();
                n++;
            }
            rates[r] = n / ((System.nanoTime() - t0) / 1e9);
            allocatedPerStep = (threads.getCurrentThreadAllocatedBytes() - bytes0) / n;
        }
        Arrays.sort(rates);
        return rates[rounds / 2];
    }

    /** Parses the torch script's lines into shape -> sequences/s. */
    static Map<String, Double> torchRates(Path file) throws IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        Pattern p = Pattern.compile("^torch (S\\d) float32 .*: ([\\d,]+) seq/s");
        for (String line : Files.readAllLines(file)) {
            Matcher mt = p.matcher(line);
            if (mt.find()) {
                m.put(mt.group(1), Double.parseDouble(mt.group(2).replace(",", "")));
            }
        }
        return m;
    }

    public static void main(String[] args) throws IOException {
        Map<String, Double> torch = Map.of();
        double peak = 0;
        List<String> shapes = new ArrayList<>(SHAPES.keySet());
        List<String> backends = List.of("vector", "javablas");
        List<String> variants = List.of("reset-after", "reset-before");
        int rounds = 5;
        double seconds = 0.6;
        boolean pollute = false;
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--torch" -> torch = torchRates(Path.of(v));
                case "--peak" -> peak = Double.parseDouble(v);
                case "--shapes" -> shapes = List.of(v.split(","));
                case "--backends" -> backends = List.of(v.split(","));
                case "--variants" -> variants = List.of(v.split(","));
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--pollute" -> pollute = Boolean.parseBoolean(v);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (pollute) {
            float[] a = new float[128 * 128];
            float[] c = new float[128 * 128];
            dev.ludovic.netlib.blas.BLAS blas = dev.ludovic.netlib.blas.JavaBLAS.getInstance();
            for (int i = 0; i < 3000; i++) {
                blas.sgemm("N", "N", 128, 128, 128, 1f, a, 128, a, 128, 0f, c, 128);
            }
        }
        System.out.printf("spark-gru kernel training throughput, 1 thread, %s %s, median of %d rounds >= %.1f s%s%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"), rounds, seconds,
                pollute ? ", after 3000 netlib VectorBLAS sgemm calls in the same JVM" : "");
        System.out.println("| shape | backend | variant | seq/s | GFLOP/s | vs torch | % of sgemm peak | heap B/step |");
        System.out.println("|---|---|---|---:|---:|---:|---:|---:|");
        Map<String, Double> raTime = new LinkedHashMap<>();
        for (String shape : shapes) {
            int[] s = SHAPES.get(shape);
            for (String b : backends) {
                KernelBackend backend = KernelBackend.named(b);
                for (String vName : variants) {
                    Variant v = Variant.parse(vName);
                    double stepsPerSec = measure(s, backend, v, rounds, seconds);
                    double gflops = stepsPerSec * flops(s) / 1e9;
                    double seqs = stepsPerSec * s[0];
                    Double t = torch.get(shape);
                    String vsTorch = t == null ? "" : String.format("%.2fx", seqs / t);
                    String ofPeak = peak > 0 ? String.format("%.0f %%", 100 * gflops / peak) : "";
                    String key = shape + "/" + b;
                    String extra = "";
                    if (v == Variant.RESET_AFTER) {
                        raTime.put(key, 1 / stepsPerSec);
                    } else if (raTime.containsKey(key)) {
                        extra = String.format(" (%.2fx reset-after's time)", (1 / stepsPerSec) / raTime.get(key));
                    }
                    System.out.printf("| %s | %s | %s%s | %,.0f | %.1f | %s | %s | %,d |%n", shape,
                            backend.sgemm().name(), vName, extra, seqs, gflops, vsTorch, ofPeak, allocatedPerStep);
                }
            }
        }
    }
}
