package org.sparkgru.training;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkgru.config.InnerState;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.data.Series;

/**
 * The local-steps update rule ({@code train.localSteps = H > 1}), of the periodic-averaging family (local SGD, Lin
 * et al. 2020, "Don't use large mini-batches, use local SGD"; DiLoCo, Douillard et al. 2023): one Spark job per
 * round, as with {@link MinibatchStep}, but each partition takes {@code H} inner optimizer steps on its own share
 * of {@code train.batchSize} windows per step, starting from the broadcast weights, and returns its pseudo-gradient
 * (broadcast minus local weights, weighted by its share) through {@code treeAggregate}
 * ({@link PartitionWork#localRound}). The driver averages the pseudo-gradients and applies the outer optimizer:
 * SGD with {@code train.outerLearningRate} and Nesterov momentum {@code train.outerMomentum} (the defaults 1 and 0
 * are plain averaging of the local weights; DiLoCo's 0.7 and 0.9 pair with fresh inner optimizers). One round
 * costs Spark's fixed per-job cost once for {@code H} steps' compute.
 *
 * <p>The inner optimizer's state never outlives a task. With {@code train.innerState = averaged} (the default)
 * each partition returns its end-of-round state beside its pseudo-gradient, the driver averages it with the same
 * weights, and the next round's broadcast carries it back to every partition with the weights, so Adam's moments
 * and bias correction continue across rounds as in the synchronous loop instead of restarting every {@code H}
 * steps (BENCHMARKS.md: after the same windows, within 2 % of the synchronous loop's validation MAE on two
 * datasets, where restarting cost 6.9 % on one; with Nesterov outer momentum on top, it overshoots). With
 * {@code fresh} every round starts a new optimizer. Either way a retried task or a resumed run recomputes exactly
 * what the first attempt did: the round's result depends only on the broadcast and on (seed, round, partition,
 * step), and the sums are exact ({@link GradientSum}). The outer momentum and the averaged inner state are the
 * rule's checkpointed state. A non-finite inner gradient on any partition skips the round and halves both
 * learning rates, as {@link MinibatchStep} does.
 */
final class LocalSteps implements UpdateRule {
    /** Prefix of the averaged inner optimizer's arrays among the rule's checkpointed state. */
    private static final String INNER = "inner.";
    private final JavaSparkContext sc;
    private final JavaRDD<Series> series;
    private final PartitionWork work;
    private final Telemetry telemetry;
    private final TrainConfig.Train t;
    private final int[] shares;
    private final int parameters;
    private final int members;
    private final Sgd outer;
    /** The averaged inner optimizer state ({@code train.innerState = averaged}), or null. */
    private final Optimizer inner;
    /** What each round broadcasts when the inner state is averaged: the weights, then that state. */
    private float[] payload;
    /** The round's mean pseudo-gradient, then the mean inner state. */
    private float[] mean;
    private float[] delta;
    private final BadSteps bad;

    LocalSteps(JavaSparkContext sc, JavaRDD<Series> series, PartitionWork work, Telemetry telemetry,
               TrainConfig.Train t, List<Long> windows, int parameters, int members, String checkpoints) {
        this.sc = sc;
        this.series = series;
        this.work = work;
        this.telemetry = telemetry;
        this.t = t;
        this.shares = MinibatchStep.shares(windows, t.batchSize());
        this.parameters = parameters;
        this.members = members;
        this.outer = new Sgd(parameters, t.outerMomentum(), t.outerMomentum() > 0);
        this.inner = t.innerState() == InnerState.AVERAGED ? Optimizer.of(t, parameters) : null;
        this.bad = new BadSteps(t.maxBadSteps(), checkpoints);
    }

    @Override
    public Set<String> optimizerArrays() {
        return state(0).optimizer().keySet();
    }

    @Override
    public void start(float[] params, int iteration, TrainingState.Rule restored) {
        delta = new float[params.length];
        int carried = inner == null ? 0 : inner.averageableSize();
        payload = inner == null ? null : new float[params.length + carried];
        mean = inner == null ? delta : new float[params.length + carried];
        if (restored != null) {
            outer.restore(restored.optimizer(), restored.optimizerSteps());
            if (inner != null) {
                Map<String, float[]> own = new HashMap<>();
                restored.optimizer().forEach((name, a) -> {
                    if (name.startsWith(INNER)) {
                        own.put(name.substring(INNER.length()), a);
                    }
                });
                inner.restore(own, innerSteps());
            }
            bad.restore(restored);
        }
    }

    /** Inner steps taken by the averaged state: {@code H} per applied round. */
    private long innerSteps() {
        return outer.steps() * t.localSteps();
    }

    @Override
    public boolean exhausted(int iteration) {
        return iteration >= t.iterations();
    }

    @Override
    public Step step(int iteration, float[] params) {
        long t0 = System.nanoTime();
        telemetry.reset();
        float[] shipped = params;
        if (inner != null) {
            System.arraycopy(params, 0, payload, 0, parameters);
            inner.exportState(payload, parameters);
            shipped = payload;
        }
        Broadcast<float[]> bc = sc.broadcast(shipped);
        sc.setJobDescription("spark-gru round " + (iteration + 1) + "/" + t.iterations() + " of "
                + t.localSteps() + " local steps");
        PartitionWork w = work;
        int[] share = shares;
        TrainConfig.Train cfg = t;
        int size = parameters;
        int steps = t.localSteps();
        double lr = t.learningRate() * bad.lrFactor() * MinibatchStep.schedule(t, iteration);
        long innerSteps = innerSteps();
        GradientSum sum = series.mapPartitionsWithIndex((p, rows) -> {
                    float[] start = bc.value();
                    Optimizer o = Optimizer.of(cfg, size);
                    if (start.length > size) {
                        o.importState(start, size, innerSteps);
                    }
                    return List.of(w.localRound(p, rows, start, size, iteration, share[p], steps, o, lr,
                            cfg.clipNorm())).iterator();
                }, true)
                .treeAggregate(GradientSum.empty(), GradientSum::merge, GradientSum::merge, t.treeDepth());
        bc.destroy();
        long t1 = System.nanoTime();
        sum.mean(mean);
        if (mean != delta) {
            System.arraycopy(mean, 0, delta, 0, parameters);
        }
        double norm = MinibatchStep.clip(delta, members, 0);
        double outerLr = t.outerLearningRate() * bad.lrFactor();
        int done = iteration + 1;
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.put("iteration", done);
        if (sum.overflow || !Double.isFinite(norm) || !Double.isFinite(sum.meanLoss())) {
            return bad.skip(done, line);
        }
        bad.passed();
        outer.step(params, delta, outerLr);
        if (inner != null) {
            inner.importState(mean, parameters, innerSteps());
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        double computeShare = Math.min(1, telemetry.computeSeconds() / sc.defaultParallelism() / secs);
        double trainLoss = sum.meanLoss() / members;
        long windows = sum.count * steps;
        line.put("trainLoss", trainLoss);
        line.put("pseudoGradNorm", norm);
        line.put("learningRate", lr);
        line.put("outerLearningRate", outerLr);
        line.put("localSteps", steps);
        line.put("windows", windows);
        line.put("windowsPerSecond", windows / secs);
        line.put("executorSeconds", (t1 - t0) / 1e9);
        line.put("driverSeconds", (System.nanoTime() - t1) / 1e9);
        line.put("computeShare", computeShare);
        line.put("taskHeapBytesPerWindow", telemetry.allocatedBytes() / Math.max(1, windows));
        String progress = "loss " + MinibatchStep.fmt(trainLoss) + " | pseudo-gradient norm " + MinibatchStep.fmt(norm)
                + " | lr " + MinibatchStep.fmt(lr) + " | " + Math.round(windows / secs) + " windows/s | kernel compute "
                + Math.round(100 * computeShare) + " % of the round's wall time";
        boolean last = done == t.iterations();
        return new Step(Kind.STEPPED, done, line, progress, last, "completed " + t.iterations() + " rounds");
    }

    @Override
    public TrainingState.Rule state(int iteration) {
        Map<String, float[]> arrays = new HashMap<>(outer.state());
        if (inner != null) {
            inner.state().forEach((name, a) -> arrays.put(INNER + name, a));
        }
        return new TrainingState.Rule(arrays, outer.steps(), bad.lrFactor(), bad.inARow(), null);
    }
}
