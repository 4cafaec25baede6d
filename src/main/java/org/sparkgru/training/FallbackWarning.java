package org.sparkgru.training;

import java.util.Arrays;

/**
 * Watches the kernel's heap allocation per training window ({@code taskHeapBytesPerWindow}) and says once, in one
 * warning, when it shows the Java Vector API's allocating fallback: the compiled kernel allocates nothing per window,
 * the fallback tens of kilobytes (on JDK 17 inside Spark, see docs/kernel.md). Decided on the median of
 * {@value #WINDOW} stepped iterations after {@value #WARMUP} warm-up ones, on the driver, from the telemetry the
 * tasks report anyway.
 */
final class FallbackWarning {
    /**
     * Iterations before the kernel counts as compiled: on a loaded two-core machine C2's first clean compilation of
     * the kernel came as late as iteration 16 (BENCHMARKS.md), which a warm-up of 10 reported as a fallback.
     */
    static final int WARMUP = 30;
    /** Iterations the decision takes the median of. */
    static final int WINDOW = 10;
    /** Heap bytes per window above which the kernel is not running compiled (clean runs measure 0). */
    static final long THRESHOLD = 1024;

    private final long[] seen = new long[WINDOW];
    private int count;
    private boolean decided;

    /**
     * Records one stepped iteration's heap bytes per window; returns the warning the first time the median of the
     * observed window exceeds {@link #THRESHOLD}, null otherwise (and ever after the decision).
     */
    String observe(int iteration, long bytesPerWindow) {
        if (decided || iteration <= WARMUP) {
            return null;
        }
        seen[count++] = bytesPerWindow;
        if (count < WINDOW) {
            return null;
        }
        decided = true;
        long[] sorted = seen.clone();
        Arrays.sort(sorted);
        long median = sorted[WINDOW / 2];
        if (median <= THRESHOLD) {
            return null;
        }
        return "the kernel allocates " + median + " heap bytes per training window on the executors (median of"
                + " iterations " + (iteration - WINDOW + 1) + " to " + iteration + "; 0 when compiled): the Java Vector"
                + " API runs through its slow fallback on this JVM (Java " + Runtime.version() + "). Train on JDK 21"
                + " or newer, JDK 25 recommended (JAVA_HOME for embedded runs, spark.executorEnv.JAVA_HOME and the"
                + " cluster's JDK otherwise), or keep -XX:PerMethodTrapLimit=10000"
                + " -XX:PerMethodRecompilationCutoff=10000 in the executor options; see docs/kernel.md";
    }
}
