package org.sparkgru.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgru.UserError;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.data.CalendarFeatures;
import org.sparkgru.data.Series;
import org.sparkgru.model.HadoopFiles;
import org.sparkgru.model.Initializer;
import org.sparkgru.model.NetworkSpec;

/**
 * Synchronous data-parallel minibatch training on the driver: each iteration broadcasts the flat weights
 * (destroying the previous broadcast), every partition computes the gradient sum of its share of
 * {@code train.batchSize} windows ({@link PartitionWork}), {@code treeAggregate} brings the exact fixed-point sum
 * ({@link GradientSum}) to the driver, which averages, checks that it is finite, clips it to
 * {@code train.clipNorm}, and applies Adam, AdamW or SGD (momentum, Nesterov) with the scheduled learning rate;
 * or full-batch L-BFGS through Breeze. A non-finite gradient skips the
 * step and halves the learning rate; {@code train.maxBadSteps} in a row stop the job. Validation runs every
 * {@code train.validationEvery} iterations and at the end; the best weights (lowest validation MAE) are the result,
 * with early stopping after {@code train.patience} validations without improvement. Checkpoints every
 * {@code train.checkpointEvery} iterations allow an exact resume.
 *
 * <p>Determinism: window draws depend only on (seed, iteration, partition), each partition's arithmetic is
 * sequential, and the fixed-point aggregation is order-independent, so the same input, configuration, seed and
 * partition count give the same weights bit for bit, also when tasks are retried or the run is resumed.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What training produced. */
    public record Result(float[] best, int iterations, int bestIteration, double[] bestMetrics, String stopReason,
                         long trainingWindows) {
    }

    private final JavaSparkContext sc;
    private final TrainConfig cfg;
    private final NetworkSpec spec;
    private final String modelDir;
    private final Configuration hadoop;

    public Trainer(JavaSparkContext sc, TrainConfig cfg, NetworkSpec spec, String modelDir, Configuration hadoop) {
        this.sc = sc;
        this.cfg = cfg;
        this.spec = spec;
        this.modelDir = modelDir;
        this.hadoop = hadoop;
    }

    /** Trains on the cached {@code series}; resumes from the newest checkpoint when asked and one exists. */
    public Result fit(JavaRDD<Series> series, boolean resume) throws IOException {
        TrainConfig.Train t = cfg.train();
        TrainConfig.Model mc = cfg.model();
        PartitionWork work = new PartitionWork(spec, mc.lookback(), mc.horizon(), mc.loss(), t.seed(),
                new CalendarFeatures(cfg.data().calendar()), cfg.data().scaling().equals("window"));
        List<Long> windows = series.mapPartitions(it -> List.of(work.countWindows(it)).iterator()).collect();
        long total = windows.stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            throw new IllegalArgumentException("no series is long enough to train on: each needs at least lookback + 2"
                    + " x horizon = " + (mc.lookback() + 2 * mc.horizon()) + " points; lower model.lookback or"
                    + " model.horizon");
        }
        if (t.optimizer().equals("lbfgs")) {
            return fitLbfgs(series, work, total, resume);
        }
        int[] shares = shares(windows, t.batchSize());
        float[] params = Initializer.keras(spec, t.seed());
        BestSoFar best = new BestSoFar(params);
        Optimizer optimizer = switch (t.optimizer()) {
            case "sgd" -> new Sgd(params.length, t.momentum(), t.nesterov());
            case "adamw" -> new Adam(params.length, 0.9, 0.999, 1e-8, t.weightDecay());
            default -> new Adam(params.length, 0.9, 0.999, 1e-8, 0);
        };
        Checkpoints checkpoints = new Checkpoints(modelDir, hadoop);
        int start = 0;
        double lrFactor = 1;
        int badSteps = 0;
        if (resume) {
            Checkpoints.State s = checkpoints.newest(params.length, optimizer.state().keySet());
            if (s != null) {
                start = s.iteration();
                params = s.params();
                best.restore(s.info(), s.best());
                optimizer.restore(s.optimizer(), s.optimizerSteps());
                lrFactor = s.info().get("lrFactor").asDouble();
                badSteps = s.info().get("badSteps").asInt();
                LOG.info("resuming from the checkpoint of iteration {}", start);
            } else {
                LOG.info("--resume: no checkpoint in {}, starting from scratch", modelDir);
            }
        }
        Path metricsPath = new Path(modelDir, "metrics.jsonl");
        FileSystem fs = HadoopFiles.of(metricsPath, hadoop);
        float[] grad = new float[params.length];
        String stop = "completed " + t.iterations() + " iterations";
        int it = start;
        try (MetricsLog metrics = new MetricsLog(fs, metricsPath, start)) {
            while (it < t.iterations()) {
                int iteration = it;
                FaultInjection.beforeIteration(iteration);
                long t0 = System.nanoTime();
                Broadcast<float[]> bc = sc.broadcast(params);
                sc.setJobDescription("spark-gru iteration " + (iteration + 1) + "/" + t.iterations());
                GradientSum zero = GradientSum.empty();
                GradientSum sum = series.mapPartitionsWithIndex((p, rows) -> List.of(
                        work.gradient(p, rows, bc.value(), iteration, shares[p])).iterator(), true)
                        .treeAggregate(zero, GradientSum::merge, GradientSum::merge, t.treeDepth());
                bc.destroy();
                long t1 = System.nanoTime();
                sum.mean(grad);
                double norm = norm(grad);
                double lr = t.learningRate() * lrFactor * schedule(t, iteration);
                ObjectNode line = JSON.createObjectNode();
                line.put("iteration", iteration + 1);
                it++;
                if (sum.overflow || !Double.isFinite(norm) || !Double.isFinite(sum.meanLoss())) {
                    badSteps++;
                    lrFactor /= 2;
                    LOG.warn("iteration {}: non-finite gradient, step skipped, learning rate halved ({} in a row)",
                            it, badSteps);
                    line.put("skipped", "non-finite gradient");
                    metrics.write(line);
                    if (badSteps >= t.maxBadSteps()) {
                        throw new UserError(badSteps + " non-finite gradients in a row at iteration " + it
                                + "; the data may hold extreme values or train.learningRate is too high. The last"
                                + " good checkpoint is kept in " + new Path(modelDir, "checkpoints"));
                    }
                    continue;
                }
                badSteps = 0;
                if (t.clipNorm() > 0 && norm > t.clipNorm()) {
                    float c = (float) (t.clipNorm() / norm);
                    for (int i = 0; i < grad.length; i++) {
                        grad[i] *= c;
                    }
                }
                optimizer.step(params, grad, lr);
                double secs = (System.nanoTime() - t0) / 1e9;
                line.put("trainLoss", sum.meanLoss());
                line.put("gradNorm", norm);
                line.put("learningRate", lr);
                line.put("windowsPerSecond", sum.count / secs);
                double wall = secs;
                double compute = sum.computeNanos / 1e9 / sc.defaultParallelism();
                line.put("executorSeconds", (t1 - t0) / 1e9);
                line.put("driverSeconds", (System.nanoTime() - t1) / 1e9);
                line.put("computeShare", Math.min(1, compute / wall));
                line.put("taskHeapBytesPerWindow", sum.allocatedBytes / Math.max(1, sum.count));
                boolean last = it == t.iterations();
                if (it % t.validationEvery() == 0 || last) {
                    double[] m = validate(series, work, params);
                    best.offer(it, m, params, line);
                    LOG.info("iteration {}/{}: loss {} | validation MAE {} RMSE {} sMAPE {} MASE {} | grad norm {}"
                                    + " | lr {} | {} windows/s", it, t.iterations(), fmt(sum.meanLoss()), fmt(m[0]),
                            fmt(m[1]), fmt(m[2]), fmt(m[3]), fmt(norm), fmt(lr), Math.round(sum.count / secs));
                } else {
                    LOG.info("iteration {}/{}: loss {} | grad norm {} | lr {} | {} windows/s | kernel compute {} %"
                                    + " of the iteration's wall time", it, t.iterations(), fmt(sum.meanLoss()),
                            fmt(norm), fmt(lr), Math.round(sum.count / secs), Math.round(100 * Math.min(1, compute
                                    / wall)));
                }
                metrics.write(line);
                if (t.checkpointEvery() > 0 && it % t.checkpointEvery() == 0 && !last) {
                    ObjectNode info = JSON.createObjectNode();
                    info.put("lrFactor", lrFactor);
                    info.put("badSteps", badSteps);
                    best.save(info);
                    info.put("configuration", cfg.renderJson());
                    checkpoints.write(it, params, best.weights(), optimizer.state(), optimizer.steps(), info);
                }
                if (best.exhausted(t.patience())) {
                    stop = "early stop at iteration " + it + ": no validation improvement in " + t.patience()
                            + " validations";
                    break;
                }
            }
        }
        sc.setJobDescription(null);
        return new Result(best.weights(), it, best.iteration(), best.metrics(), stop, total);
    }

    /**
     * Full-batch L-BFGS (Breeze's {@code LBFGS}, memory {@code train.lbfgsMemory}) on the mean loss over every
     * training window, as Spark MLlib's multilayer perceptron trains: each cost evaluation is one
     * {@code treeAggregate} ({@link FullBatchCost}). Validation, best weights, metrics and checkpoints work as for
     * the minibatch optimizers; checkpoints also hold Breeze's whole optimizer state (iterate and gradient in double
     * precision, curvature history, convergence bookkeeping), so a resumed run continues exactly where the
     * uninterrupted one was and ends with the same weights. One exception: Breeze gives up at the second failed line
     * search of a run, and the count of failures so far is not part of its state.
     */
    private Result fitLbfgs(JavaRDD<Series> series, PartitionWork work, long total, boolean resume) throws IOException {
        TrainConfig.Train t = cfg.train();
        float[] params = Initializer.keras(spec, t.seed());
        BestSoFar best = new BestSoFar(params);
        Checkpoints checkpoints = new Checkpoints(modelDir, hadoop);
        FullBatchCost cost = new FullBatchCost(sc, series, work, t.treeDepth());
        breeze.optimize.DiffFunction<breeze.linalg.DenseVector<Object>> f = cost.asDiffFunction();
        breeze.optimize.LBFGS<breeze.linalg.DenseVector<Object>> lbfgs = new breeze.optimize.LBFGS<>(
                t.iterations(), t.lbfgsMemory(), 1e-9, breeze.linalg.DenseVector.space_Double());
        LbfgsState initial = null;
        int start = 0;
        if (resume) {
            Checkpoints.State s = checkpoints.newest(params.length, java.util.Set.of());
            if (s != null) {
                if (s.solver() == null) {
                    throw new UserError("the newest checkpoint in " + new Path(modelDir, "checkpoints") + " has no"
                            + " L-BFGS state (it was written with another train.optimizer or by an older spark-gru);"
                            + " resume with the configuration it was written with, or start again with --overwrite");
                }
                start = s.iteration();
                params = s.params();
                best.restore(s.info(), s.best());
                initial = LbfgsState.read(s.solver(), params.length);
                LOG.info("resuming L-BFGS at iteration {} with its curvature history", start);
            }
        }
        if (initial == null) {
            double[] x0 = new double[params.length];
            for (int i = 0; i < x0.length; i++) {
                x0[i] = params[i];
            }
            // initialState evaluates the cost once; the count includes it
            initial = new LbfgsState(lbfgs.initialState(f, new breeze.linalg.DenseVector<>(x0)), cost.evaluations());
        }
        if (!Double.isFinite(initial.state().value())) {
            throw new UserError("L-BFGS: the loss at the " + (start == 0 ? "initial" : "restored") + " weights is not"
                    + " finite; check the data for extreme values, or use train.optimizer = adam");
        }
        cost.countFrom(initial.evaluations());
        scala.collection.Iterator<breeze.optimize.FirstOrderMinimizer.State<breeze.linalg.DenseVector<Object>, Object,
                Object>> states = lbfgs.infiniteIterations(f, initial.state());
        Path metricsPath = new Path(modelDir, "metrics.jsonl");
        FileSystem fs = HadoopFiles.of(metricsPath, hadoop);
        String stop = null;
        int it = start;
        int validatedAt = -1;
        try (MetricsLog metrics = new MetricsLog(fs, metricsPath, start)) {
            long t0 = System.nanoTime();
            states.next(); // the starting state itself
            while (true) {
                FaultInjection.beforeIteration(it);
                var state = states.next();
                // Breeze's iterations() applies this check; infiniteIterations(), which can start from a restored
                // state, leaves it to the caller
                scala.Option<breeze.optimize.FirstOrderMinimizer.ConvergenceReason> converged =
                        lbfgs.convergenceCheck().apply(state, state.convergenceInfo());
                if (state.iter() == it) {
                    // no step: a failed line search made Breeze drop its curvature history (it retries) or give up
                    if (converged.isDefined()) {
                        if (validatedAt != it) {
                            best.offer(it, validate(series, work, params), params, JSON.createObjectNode());
                        }
                        stop = "L-BFGS stopped at iteration " + it + " (" + converged.get().reason() + ")";
                        break;
                    }
                    LOG.warn("L-BFGS iteration {}: line search failed, curvature history reset", it + 1);
                    continue;
                }
                it = state.iter();
                double[] x = (double[]) state.x().data();
                for (int i = 0; i < params.length; i++) {
                    params[i] = (float) x[i];
                }
                double norm = 0;
                for (double v : (double[]) state.grad().data()) {
                    norm += v * v;
                }
                norm = Math.sqrt(norm);
                if (!Double.isFinite(state.value())) {
                    throw new UserError("L-BFGS reached a non-finite loss at iteration " + it
                            + "; use train.optimizer = adam, or check the data for extreme values");
                }
                ObjectNode line = JSON.createObjectNode();
                line.put("iteration", it);
                line.put("trainLoss", state.value());
                line.put("gradNorm", norm);
                line.put("costEvaluations", cost.evaluations());
                line.put("seconds", (System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                boolean last = converged.isDefined();
                if (it % t.validationEvery() == 0 || last) {
                    double[] m = validate(series, work, params);
                    validatedAt = it;
                    best.offer(it, m, params, line);
                    LOG.info("L-BFGS iteration {}/{}: loss {} | validation MAE {} | grad norm {} | {} cost evaluations",
                            it, t.iterations(), fmt(state.value()), fmt(m[0]), fmt(norm), cost.evaluations());
                } else {
                    LOG.info("L-BFGS iteration {}/{}: loss {} | grad norm {} | {} cost evaluations", it,
                            t.iterations(), fmt(state.value()), fmt(norm), cost.evaluations());
                }
                metrics.write(line);
                if (t.checkpointEvery() > 0 && it % t.checkpointEvery() == 0 && !last) {
                    ObjectNode info = JSON.createObjectNode();
                    best.save(info);
                    info.put("configuration", cfg.renderJson());
                    checkpoints.write(it, params, best.weights(), java.util.Map.of(), it, info,
                            new LbfgsState(state, cost.evaluations()).bytes());
                }
                if (best.exhausted(t.patience())) {
                    stop = "early stop at iteration " + it + ": no validation improvement in " + t.patience()
                            + " validations";
                    break;
                }
                if (last) {
                    stop = it >= t.iterations() ? "completed " + t.iterations() + " iterations"
                            : "L-BFGS converged (" + converged.get().reason() + ")";
                    break;
                }
            }
        }
        sc.setJobDescription(null);
        return new Result(best.weights(), it, best.iteration(), best.metrics(), stop, total);
    }

    /** Validation metrics over all series, in partition order: {MAE, RMSE, sMAPE %, MASE}. */
    private double[] validate(JavaRDD<Series> series, PartitionWork work, float[] params) {
        Broadcast<float[]> bc = sc.broadcast(params);
        List<double[]> parts = series.mapPartitions(it -> List.of(work.validate(it, bc.value())).iterator())
                .collect();
        bc.destroy();
        double[] s = new double[6];
        for (double[] p : parts) {
            for (int i = 0; i < s.length; i++) {
                s[i] += p[i];
            }
        }
        double n = Math.max(1, s[4]);
        return new double[] {s[0] / n, Math.sqrt(s[1] / n), 100 * s[2] / n, s[3] / n};
    }

    /** Learning-rate multiplier of an iteration: linear warm-up, then constant, step or cosine decay. */
    static double schedule(TrainConfig.Train t, int iteration) {
        if (iteration < t.warmup()) {
            return (iteration + 1.0) / t.warmup();
        }
        return switch (t.schedule()) {
            case "cosine" -> 0.5 * (1 + Math.cos(Math.PI * (iteration - t.warmup())
                    / (double) Math.max(1, t.iterations() - t.warmup())));
            case "step" -> Math.pow(t.stepFactor(), (iteration - t.warmup()) / t.stepEvery());
            default -> 1;
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

    private static double norm(float[] g) {
        double s = 0;
        for (float v : g) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    private static String fmt(double v) {
        return String.format("%.4g", v);
    }

    /**
     * metrics.jsonl: one JSON object per iteration, flushed as training goes. On a resume from iteration k the lines
     * of iterations after k (written by the interrupted run) are dropped, so the file reads as one run.
     */
    private static final class MetricsLog implements AutoCloseable {
        private final FSDataOutputStream out;

        MetricsLog(FileSystem fs, Path path, int keepUpTo) throws IOException {
            StringBuilder kept = new StringBuilder();
            if (keepUpTo > 0 && fs.exists(path)) {
                try (var in = fs.open(path)) {
                    for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                        if (!line.isBlank() && JSON.readTree(line).path("iteration").asInt() <= keepUpTo) {
                            kept.append(line).append('\n');
                        }
                    }
                }
            }
            out = fs.create(path, true);
            out.write(kept.toString().getBytes(StandardCharsets.UTF_8));
        }

        void write(ObjectNode line) throws IOException {
            out.write((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
            out.hflush();
        }

        @Override
        public void close() throws IOException {
            ((OutputStream) out).close();
        }
    }
}
