package org.sparkgru.training;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgru.UserError;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.data.DataError;
import org.sparkgru.data.Series;
import org.sparkgru.data.WindowLayout;
import org.sparkgru.io.DirectoryLock;
import org.sparkgru.io.JsonLines;
import org.sparkgru.io.ModelDirectory;
import org.sparkgru.metrics.ErrorSums;
import org.sparkgru.model.Ensemble;
import org.sparkgru.model.NetworkSpec;

/**
 * The one training loop, synchronous and data-parallel, on the driver. {@link #fit} counts the training windows,
 * starts the {@link UpdateRule} ({@link MinibatchStep} or {@link LbfgsStep}, per {@code train.optimizer}) from the
 * Keras initialization or, with {@code resume}, from the newest checkpoint's {@link TrainingState}, then per
 * iteration: {@link UpdateRule#step} (one or more Spark jobs), validation every {@code train.validationEvery}
 * iterations and at the end ({@link PartitionWork#validate}: one Spark job, error sums in the original scale),
 * best-so-far by validation MAE ({@link BestSoFar}), one line of {@code metrics.jsonl}, a checkpoint every
 * {@code train.checkpointEvery} iterations, and early stopping after {@code train.patience} validations without
 * improvement. The result is the best weights.
 *
 * <p>Determinism: window draws depend only on (seed, iteration, partition), each partition's arithmetic is
 * sequential, and the fixed-point aggregation is order-independent, so the same input, configuration, seed and
 * partition count give the same weights bit for bit, also when tasks are retried or the run is resumed.
 */
public final class TrainingLoop {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

    /**
     * What training produced.
     *
     * @param best            the best weights
     * @param iterations      iterations run
     * @param bestIteration   the iteration of the best weights
     * @param bestMetrics     their validation, or null when none ran
     * @param stopReason      why training ended, in words
     * @param trainingWindows training windows over all series
     * @param localSteps      the inner steps per round ({@code train.localSteps}, or what {@code auto} chose)
     */
    public record Result(float[] best, int iterations, int bestIteration, Validation bestMetrics, String stopReason,
                         long trainingWindows, int localSteps) {
    }

    private final JavaSparkContext sc;
    private final TrainConfig cfg;
    private final NetworkSpec spec;
    private final ModelDirectory dir;
    private final DirectoryLock lock;
    private final Telemetry telemetry;
    private final PartitionWork work;

    /**
     * A loop for {@code spec} on windows of {@code layout}, writing metrics and checkpoints into {@code dir}, whose
     * {@code lock} this run holds (each checkpoint checks it is still held).
     */
    public TrainingLoop(JavaSparkContext sc, TrainConfig cfg, NetworkSpec spec, WindowLayout layout,
                        ModelDirectory dir, DirectoryLock lock) {
        this.sc = sc;
        this.cfg = cfg;
        this.spec = spec;
        this.dir = dir;
        this.lock = lock;
        this.telemetry = new Telemetry(sc);
        this.work = new PartitionWork(spec, cfg.model().ensemble(), layout, cfg.model().loss(), cfg.train().seed(),
                FaultPlan.fromSystemProperties(), telemetry);
    }

    /**
     * Trains on the cached {@code series} from {@code initial} (a warm start's weights; null: the Keras
     * initialization); resumes from the newest checkpoint when asked and one exists, which wins over {@code initial}.
     */
    public Result fit(JavaRDD<Series> series, boolean resume, float[] initial) throws IOException {
        TrainConfig.Train t = cfg.train();
        PartitionWork w = work;
        List<Long> windows = series.mapPartitions(it -> List.of(w.countWindows(it)).iterator()).collect();
        long total = windows.stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            throw new DataError("no series is long enough to train on: each needs at least lookback + 2 x horizon = "
                    + (cfg.model().lookback() + 2 * cfg.model().horizon()) + " points; lower model.lookback or"
                    + " model.horizon");
        }
        float[] params = initial != null ? initial : Ensemble.keras(spec, t.seed(), cfg.model().ensemble());
        Checkpoints checkpoints = new Checkpoints(dir, lock);
        // for elapsedSeconds: this run's wall time, validations and the measuring rounds of localSteps = auto included
        long started = System.nanoTime();
        TrainConfig effective = localSteps(series, windows, params, checkpoints, resume);
        t = effective.train();
        UpdateRule rule = switch (t.optimizer()) {
            case LBFGS -> new LbfgsStep(new FullBatchCost(sc, series, work, t.treeDepth()), t);
            case ADAM, ADAMW, SGD -> t.localSteps() > 1
                    ? new LocalSteps(sc, series, work, telemetry, t, windows, params.length, cfg.model().ensemble(),
                    checkpoints.dir().toString())
                    : new MinibatchStep(sc, series, work, telemetry, t, windows, params.length,
                    cfg.model().ensemble(), checkpoints.dir().toString());
        };
        TrainingState restored = null;
        if (resume) {
            restored = checkpoints.newest(params.length, rule.optimizerArrays());
            if (restored != null) {
                LOG.info("resuming from the checkpoint of iteration {}", restored.iteration());
                params = restored.params();
            } else {
                LOG.info("--resume: no checkpoint in {}, starting from scratch", dir.root());
            }
        }
        int it = restored == null ? 0 : restored.iteration();
        BestSoFar best = new BestSoFar(restored == null ? null : restored.best(), params);
        rule.start(params, it, restored == null ? null : restored.rule());
        Progress progress = new Progress(t.iterations(), t.logEvery(), it);
        String stop = null;
        int validatedAt = -1;
        try (JsonLines metrics = dir.openMetrics(it)) {
            while (stop == null) {
                if (rule.exhausted(it)) {
                    stop = "completed " + t.iterations() + " iterations";
                    break;
                }
                work.faults().beforeIteration(it);
                UpdateRule.Step step = rule.step(it, params);
                switch (step.kind()) {
                    case RETRY -> {
                        continue;
                    }
                    case SKIPPED -> {
                        it = step.iteration();
                        metrics.write(step.line());
                        if (step.stopReason() != null) {
                            throw new UserError(step.stopReason());
                        }
                        continue;
                    }
                    case STOPPED -> {
                        if (validatedAt != it) {
                            best.offer(it, validate(series, params), params, JsonNodeFactory.instance.objectNode());
                        }
                        stop = step.stopReason();
                        continue;
                    }
                    case STEPPED -> it = step.iteration();
                }
                ObjectNode line = step.line();
                Validation v = null;
                if (it % t.validationEvery() == 0 || step.last()) {
                    v = validate(series, params);
                    validatedAt = it;
                    best.offer(it, v, params, line);
                }
                LOG.debug("iteration {}/{}: {}{}", it, t.iterations(), step.progress(),
                        v == null ? "" : " | validation " + v.describe());
                String shown = progress.after(it, line, v, step.last());
                if (shown != null) {
                    LOG.info(shown);
                }
                line.put("elapsedSeconds", (System.nanoTime() - started) / 1e9);
                metrics.write(line);
                if (t.checkpointEvery() > 0 && it % t.checkpointEvery() == 0 && !step.last()) {
                    checkpoints.write(new TrainingState(it, params, best.save(), rule.state(it)),
                            effective.renderJson());
                }
                if (best.exhausted(t.patience())) {
                    stop = "early stop at iteration " + it + ": no validation improvement in " + t.patience()
                            + " validations";
                } else if (step.last()) {
                    stop = step.stopReason();
                }
            }
        }
        sc.setJobDescription(null);
        LOG.info(progress.summary(stop, it, best.iteration(), best.metrics()));
        return new Result(best.weights(), it, best.iteration(), best.metrics(), stop, total, t.localSteps());
    }

    /**
     * The configuration with {@code train.localSteps} decided: as configured, or for {@code auto} what the newest
     * checkpoint holds on a resume, else what {@link LocalStepsSizer} measures (L-BFGS takes no local steps).
     */
    private TrainConfig localSteps(JavaRDD<Series> series, List<Long> windows, float[] params,
                                   Checkpoints checkpoints, boolean resume) throws IOException {
        TrainConfig.Train t = cfg.train();
        if (t.localSteps() != TrainConfig.AUTO) {
            return cfg;
        }
        if (t.optimizer() == org.sparkgru.config.OptimizerKind.LBFGS) {
            return cfg.withLocalSteps(1);
        }
        String stored = resume ? checkpoints.newestConfiguration() : null;
        if (stored != null) {
            int h = TrainConfig.fromModel(stored, List.of()).train().localSteps();
            LOG.info("train.localSteps = auto: {} as the checkpoint chose", h);
            return cfg.withLocalSteps(h);
        }
        LocalStepsSizer.Choice choice = LocalStepsSizer.choose(sc, series, work, telemetry, t, windows, params);
        LOG.info(choice.describe());
        return cfg.withLocalSteps(choice.localSteps());
    }

    /** Validation over all series, partition sums merged in partition order. */
    private Validation validate(JavaRDD<Series> series, float[] params) {
        Broadcast<float[]> bc = sc.broadcast(params);
        PartitionWork w = work;
        List<ErrorSums> parts = series.mapPartitions(it -> List.of(w.validate(it, bc.value())).iterator()).collect();
        bc.destroy();
        ErrorSums sums = new ErrorSums();
        parts.forEach(sums::merge);
        return Validation.of(sums);
    }
}
