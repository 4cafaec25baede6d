package org.sparkgru.training;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgru.UserError;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.data.Series;

/**
 * The minibatch update rule: the weights are broadcast (the previous broadcast destroyed), every partition
 * computes the gradient sum of its share of {@code train.batchSize} windows ({@link PartitionWork#gradient}),
 * {@code treeAggregate} brings the exact fixed-point sum to the driver, which averages it, checks that it is
 * finite, clips it to the global L2 norm {@code train.clipNorm} (each member of an ensemble on its own, so that
 * members train as they would alone) and applies the {@link Optimizer} (Adam, AdamW, SGD)
 * at the scheduled learning rate ({@link #schedule}). A non-finite gradient skips the step and halves the learning
 * rate; {@code train.maxBadSteps} in a row stop the job with a {@link UserError}.
 */
final class MinibatchStep implements UpdateRule {
    private static final Logger LOG = LoggerFactory.getLogger(MinibatchStep.class);

    private final JavaSparkContext sc;
    private final JavaRDD<Series> series;
    private final PartitionWork work;
    private final Telemetry telemetry;
    private final TrainConfig.Train t;
    private final int[] shares;
    private final Optimizer optimizer;
    private final FallbackWarning fallback = new FallbackWarning();
    private final int members;
    private float[] grad;
    private final BadSteps bad;

    /**
     * @param windows     training windows per partition (for the batch shares)
     * @param members     networks in the parameter array, each clipped on its own
     * @param checkpoints where the checkpoints are, for the message of a stopped job
     */
    MinibatchStep(JavaSparkContext sc, JavaRDD<Series> series, PartitionWork work, Telemetry telemetry,
                  TrainConfig.Train t, List<Long> windows, int parameters, int members, String checkpoints) {
        this.sc = sc;
        this.members = members;
        this.series = series;
        this.work = work;
        this.telemetry = telemetry;
        this.t = t;
        this.shares = shares(windows, t.batchSize());
        this.bad = new BadSteps(t.maxBadSteps(), checkpoints);
        this.optimizer = Optimizer.of(t, parameters);
    }

    @Override
    public Set<String> optimizerArrays() {
        return optimizer.state().keySet();
    }

    @Override
    public void start(float[] params, int iteration, TrainingState.Rule restored) {
        grad = new float[params.length];
        if (restored != null) {
            optimizer.restore(restored.optimizer(), restored.optimizerSteps());
            bad.restore(restored);
        }
    }

    @Override
    public boolean exhausted(int iteration) {
        return iteration >= t.iterations();
    }

    @Override
    public Step step(int iteration, float[] params) {
        long t0 = System.nanoTime();
        telemetry.reset();
        Broadcast<float[]> bc = sc.broadcast(params);
        sc.setJobDescription("spark-gru iteration " + (iteration + 1) + "/" + t.iterations());
        GradientSum sum = gradientSum(series, work, bc, iteration, shares, t.treeDepth());
        bc.destroy();
        long t1 = System.nanoTime();
        sum.mean(grad);
        double norm = clip(grad, members, t.clipNorm());
        double lr = t.learningRate() * bad.lrFactor() * schedule(t, iteration);
        int done = iteration + 1;
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.put("iteration", done);
        if (sum.overflow || !Double.isFinite(norm) || !Double.isFinite(sum.meanLoss())) {
            return bad.skip(done, line);
        }
        bad.passed();
        optimizer.step(params, grad, lr);
        double secs = (System.nanoTime() - t0) / 1e9;
        double computeShare = Math.min(1, telemetry.computeSeconds() / sc.defaultParallelism() / secs);
        double trainLoss = sum.meanLoss() / members;
        line.put("trainLoss", trainLoss);
        line.put("gradNorm", norm);
        line.put("learningRate", lr);
        line.put("windows", sum.count);
        line.put("windowsPerSecond", sum.count / secs);
        line.put("executorSeconds", (t1 - t0) / 1e9);
        line.put("driverSeconds", (System.nanoTime() - t1) / 1e9);
        line.put("computeShare", computeShare);
        long heapPerWindow = telemetry.allocatedBytes() / Math.max(1, sum.count);
        line.put("taskHeapBytesPerWindow", heapPerWindow);
        String warning = fallback.observe(done, heapPerWindow);
        if (warning != null) {
            LOG.warn(warning);
        }
        String progress = "loss " + fmt(trainLoss) + " | grad norm " + fmt(norm) + " | lr " + fmt(lr) + " | "
                + Math.round(sum.count / secs) + " windows/s | kernel compute " + Math.round(100 * computeShare)
                + " % of the iteration's wall time";
        boolean last = done == t.iterations();
        return new Step(Kind.STEPPED, done, line, progress, last, "completed " + t.iterations() + " iterations");
    }

    /**
     * One Spark job: the exact sum of every partition's gradient over its {@code share} windows of iteration
     * {@code iteration}'s draw at the broadcast weights.
     */
    static GradientSum gradientSum(JavaRDD<Series> series, PartitionWork w, Broadcast<float[]> bc, int iteration,
                                   int[] share, int depth) {
        return series.mapPartitionsWithIndex((p, rows) -> List.of(
                        w.gradient(p, rows, bc.value(), iteration, share[p])).iterator(), true)
                .treeAggregate(GradientSum.empty(), GradientSum::merge, GradientSum::merge, depth);
    }

    @Override
    public TrainingState.Rule state(int iteration) {
        return new TrainingState.Rule(optimizer.state(), optimizer.steps(), bad.lrFactor(), bad.inARow(), null);
    }

    /** Learning-rate multiplier of an iteration: linear warm-up, then constant, step or cosine decay. */
    static double schedule(TrainConfig.Train t, int iteration) {
        if (iteration < t.warmup()) {
            return (iteration + 1.0) / t.warmup();
        }
        return switch (t.schedule()) {
            case COSINE -> 0.5 * (1 + Math.cos(Math.PI * (iteration - t.warmup())
                    / (double) Math.max(1, t.iterations() - t.warmup())));
            case STEP -> Math.pow(t.stepFactor(), (iteration - t.warmup()) / t.stepEvery());
            case CONSTANT -> 1;
        };
    }

    /** Each partition's share of the batch, proportional to its windows (largest remainder, deterministic). */
    static int[] shares(List<Long> windows, int batch) {
        long total = windows.stream().mapToLong(Long::longValue).sum();
        int[] share = new int[windows.size()];
        double[] rest = new double[windows.size()];
        int given = 0;
        for (int p = 0; p < share.length; p++) {
            double exact = (double) batch * windows.get(p) / total;
            share[p] = (int) Math.floor(exact);
            rest[p] = exact - share[p];
            given += share[p];
        }
        while (given < batch) {
            int bestP = 0;
            for (int p = 1; p < share.length; p++) {
                if (rest[p] > rest[bestP]) {
                    bestP = p;
                }
            }
            share[bestP]++;
            rest[bestP] = -1;
            given++;
        }
        return share;
    }

    /**
     * Clips each member's slice of {@code grad} to the L2 norm {@code clipNorm} (0: no clipping) and returns the
     * largest member's norm before clipping; a non-finite norm leaves {@code grad} as it is.
     */
    static double clip(float[] grad, int members, double clipNorm) {
        double largest = 0;
        double[] norms = new double[members];
        for (int m = 0; m < members; m++) {
            norms[m] = norm(grad, m, members);
            largest = Math.max(largest, norms[m]); // NaN stays NaN
        }
        if (!Double.isFinite(largest) || clipNorm <= 0) {
            return largest;
        }
        int size = grad.length / members;
        for (int m = 0; m < members; m++) {
            if (norms[m] > clipNorm) {
                float c = (float) (clipNorm / norms[m]);
                for (int i = m * size; i < (m + 1) * size; i++) {
                    grad[i] *= c;
                }
            }
        }
        return largest;
    }

    /** The L2 norm of member {@code m}'s slice of {@code g}, which holds {@code members} equal slices. */
    private static double norm(float[] g, int m, int members) {
        int size = g.length / members;
        double s = 0;
        for (int i = m * size; i < (m + 1) * size; i++) {
            s += (double) g[i] * g[i];
        }
        return Math.sqrt(s);
    }

    static String fmt(double v) {
        return String.format("%.4g", v);
    }
}
