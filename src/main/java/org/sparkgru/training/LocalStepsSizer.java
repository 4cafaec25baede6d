package org.sparkgru.training;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.data.Series;

/**
 * {@code train.localSteps = auto}: before training, a few measuring rounds, each the Spark job of one synchronous
 * iteration (broadcast, the partitions' gradients of one batch, {@code treeAggregate}) at the initial weights, which
 * are left unchanged. Per round the kernel's compute per core {@code C} (the tasks' measured compute over the
 * parallelism) and the rest {@code F} (Spark's per-job cost, broadcast, scheduling, aggregation) are measured; a
 * round of {@code H} inner steps costs about {@code F + H C}, so {@code H = ceil(9 F / C)} makes the fixed cost at
 * most {@value #FIXED_SHARE} of the wall time. The first {@value #WARMUP} rounds warm the JIT and Spark up and do not
 * count; the medians of the rest decide.
 *
 * <p>The choice depends on timing, so two fresh runs may choose differently; it is logged, stored with every
 * checkpoint (a resume takes it again, for exact weights) and in the model's training summary. Setting the chosen
 * number reproduces a run bit for bit.
 */
final class LocalStepsSizer {
    /** The largest share of a round's wall time the fixed cost may take. */
    static final double FIXED_SHARE = 0.10;
    /** The most inner steps chosen: beyond this the partitions drift apart for too long between averages. */
    static final int MAX = 32;
    static final int ROUNDS = 8;
    static final int WARMUP = 3;

    /**
     * What the measuring rounds found.
     *
     * @param localSteps     the chosen {@code H}
     * @param fixedSeconds   median fixed cost per round
     * @param computeSeconds median compute per core per inner step
     */
    record Choice(int localSteps, double fixedSeconds, double computeSeconds) {
        /** The log line. */
        String describe() {
            return String.format("train.localSteps = auto chose %d: per round Spark's fixed cost %.1f ms, compute"
                    + " %.1f ms per inner step and core (median of %d measuring rounds), so %d steps keep the fixed cost"
                    + " at %.0f %% of the wall time", localSteps, 1e3 * fixedSeconds, 1e3 * computeSeconds,
                    ROUNDS - WARMUP, localSteps, 100 * fixedSeconds / (fixedSeconds + localSteps * computeSeconds));
        }
    }

    private LocalStepsSizer() {
    }

    /** Measures and chooses; {@code params} are broadcast as a round would and not changed. */
    static Choice choose(JavaSparkContext sc, JavaRDD<Series> series, PartitionWork work, Telemetry telemetry,
                         TrainConfig.Train t, List<Long> windows, float[] params) {
        int[] shares = MinibatchStep.shares(windows, t.batchSize());
        double[] fixed = new double[ROUNDS - WARMUP];
        double[] compute = new double[ROUNDS - WARMUP];
        for (int k = 0; k < ROUNDS; k++) {
            sc.setJobDescription("spark-gru train.localSteps = auto: measuring round " + (k + 1) + "/" + ROUNDS);
            telemetry.reset();
            long t0 = System.nanoTime();
            Broadcast<float[]> bc = sc.broadcast(params);
            MinibatchStep.gradientSum(series, work, bc, k, shares, t.treeDepth());
            bc.destroy();
            double wall = (System.nanoTime() - t0) / 1e9;
            double c = Math.min(wall, telemetry.computeSeconds() / sc.defaultParallelism());
            if (k >= WARMUP) {
                compute[k - WARMUP] = c;
                fixed[k - WARMUP] = wall - c;
            }
        }
        double f = median(fixed);
        double c = median(compute);
        return new Choice(localSteps(f, c), f, c);
    }

    /** The fewest inner steps that keep {@code fixed} at most {@link #FIXED_SHARE} of a round, within 1 to MAX. */
    static int localSteps(double fixed, double compute) {
        if (!(compute > 0)) {
            return MAX;
        }
        double h = Math.ceil((1 - FIXED_SHARE) / FIXED_SHARE * fixed / compute - 1e-9);
        return (int) Math.max(1, Math.min(MAX, h));
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
