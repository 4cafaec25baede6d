package org.sparkgru.ml;

import org.sparkgru.UserError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgru.config.CalendarFeature;
import org.sparkgru.config.ConfigError;
import org.sparkgru.config.Scaling;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.data.AutoConfig;
import org.sparkgru.data.DataError;
import org.sparkgru.data.Scaler;
import org.sparkgru.data.ScalerTable;
import org.sparkgru.data.Series;
import org.sparkgru.data.SeriesAssembler;
import org.sparkgru.data.SeriesChunker;
import org.sparkgru.data.SeriesSource;
import org.sparkgru.data.StaticCovariates;
import org.sparkgru.data.TimeKind;
import org.sparkgru.data.WindowLayout;
import org.sparkgru.data.WindowShape;
import org.sparkgru.io.AtomicFiles;
import org.sparkgru.io.DirectoryLock;
import org.sparkgru.io.ModelDirectory;
import org.sparkgru.model.GruModel;
import org.sparkgru.model.Initializer;
import org.sparkgru.model.ModelStore;
import org.sparkgru.model.NetworkSpec;
import org.sparkgru.training.TrainingLoop;
import org.sparkgru.training.Validation;

/**
 * The training pipeline behind {@code jobs/train.sh} and {@link GruForecaster#fit}: model directory checks,
 * Spark SQL ingestion and series assembly with the data-quality report, scaling and chunking, the distributed
 * training loop, the model files, the scaler table, the validation-tail report (on the cached series and the
 * in-memory scalers), and {@code _SUCCESS} last.
 */
public final class Training {
    private static final Logger LOG = LoggerFactory.getLogger(Training.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Training() {
    }

    /**
     * What a finished training reports.
     *
     * @param modelDir the model directory written
     * @param training the training loop's result
     */
    public record TrainingRun(String modelDir, TrainingLoop.Result training, ObjectNode report) {
        /**
         * A three-line human summary: where the model is, its validation metrics, and whether it beats the
         * baselines on the validation tail (the report's backtest).
         */
        public String summary() {
            Validation m = training.bestMetrics();
            return "model written to " + modelDir + " (best iteration " + training.bestIteration() + " of "
                    + training.iterations() + ", " + training.stopReason() + ")\nvalidation: "
                    + (m == null ? "none" : String.format("MAE %.5g  RMSE %.5g  sMAPE %.3g%%  MASE %.4g",
                    m.mae(), m.rmse(), m.smape(), m.mase())) + "\n" + againstBaselines(report);
        }
    }

    /**
     * "against the baselines on the validation tail: MASE 0.81 (naive 1.20, seasonal naive 0.95); lower MAE than
     * naive on 80 of 84 series, than seasonal naive on 60 of 84", from a backtest summary.
     */
    static String againstBaselines(ObjectNode report) {
        JsonNode o = report.path("overall");
        int n = report.path("evaluatedSeries").asInt();
        JsonNode beats = report.path("modelBeatsSeries");
        return String.format("against the baselines on the validation tail: MASE %s (naive %s, seasonal naive %s);"
                        + " lower MAE than naive on %d of %d series, than seasonal naive on %d of %d",
                mase(o.path("model")), mase(o.path("naive")), mase(o.path("seasonal_naive")),
                beats.path("naive").asInt(), n, beats.path("seasonal_naive").asInt(), n);
    }

    private static String mase(JsonNode method) {
        JsonNode v = method.path("MASE");
        return v.isNumber() ? String.format("%.4g", v.asDouble()) : "n/a";
    }

    /**
     * The training pipeline on a Dataset, shared by this job and {@link GruForecaster}: checks the
     * model directory, assembles and reports the data, trains (from the weights of {@code warm}, a previous model,
     * when it is not null), and writes the complete model directory.
     */
    public static TrainingRun train(SparkSession spark, TrainConfig cfg, Dataset<Row> df, String model, boolean resume,
                                    boolean overwrite, WarmStart warm) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ModelDirectory dir = ModelDirectory.of(model, sc.hadoopConfiguration());
        boolean existed = dir.fs().exists(dir.root());
        try (DirectoryLock lock = dir.lock()) {
            try {
                return trainLocked(spark, sc, cfg, df, dir, lock, resume, overwrite, warm);
            } catch (RuntimeException | IOException e) {
                removeIfEmpty(dir, lock, existed, e);
                throw e;
            }
        }
    }

    /**
     * A run refused before writing anything leaves no directory behind; not after losing the lock (the directory is
     * another run's then), and never hiding {@code failure}, the error on its way out.
     */
    private static void removeIfEmpty(ModelDirectory dir, DirectoryLock lock, boolean existed, Exception failure) {
        try {
            if (!existed && !dir.hasContent() && lock.held()) {
                dir.removeQuietly();
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** {@link #train} while holding the model directory's lock. */
    private static TrainingRun trainLocked(SparkSession spark, JavaSparkContext sc, TrainConfig cfg, Dataset<Row> df,
                                           ModelDirectory dir, DirectoryLock lock, boolean resume, boolean overwrite,
                                           WarmStart warm)
            throws IOException {
        String model = dir.root().toString();
        FileSystem fs = dir.fs();
        if (warm != null && fs.makeQualified(new org.apache.hadoop.fs.Path(warm.path()))
                .equals(fs.makeQualified(dir.root()))) {
            throw new UserError("--init-from and --model both name " + model + "; write the fine-tuned model to a"
                    + " new directory, so that the parent stays as it was");
        }
        if (dir.isComplete() && !overwrite && !resume) {
            throw new UserError("model directory " + dir.root() + " already holds a complete model; choose another"
                    + " --model, or pass --overwrite to replace it");
        }
        if (!dir.isComplete() && !resume && !overwrite && dir.hasContent()) {
            throw new UserError("model directory " + dir.root() + " holds an unfinished training; pass --resume to"
                    + " continue it or --overwrite to start again");
        }
        if (warm != null) {
            cfg = warm.inherit(cfg);
        }
        TrainConfig.Data d = cfg.data();
        boolean autoLookback = cfg.model().lookback() == TrainConfig.AUTO;
        // with an automatic lookback, assembly keeps every series with a training point; the too short ones are
        // left out once the lookback is chosen
        WindowShape shape = new WindowShape(autoLookback ? 1 : cfg.model().lookback(), cfg.model().horizon());
        int partitions = d.partitions() > 0 ? d.partitions() : sc.defaultParallelism();
        JavaRDD<SeriesAssembler.Result> results;
        Quality quality;
        TimeKind kind;
        StaticCovariates statics;
        try {
            if (df.isEmpty()) {
                throw new DataError("the input has no rows; check --input or --table");
            }
            SeriesSource.validate(df, d);
            statics = warm != null ? warm.statics() : StaticCovariates.fit(df, d);
            results = SeriesSource.assemble(df, d, SeriesAssembler.of(d, shape), partitions, statics)
                    .persist(StorageLevel.MEMORY_AND_DISK());
            kind = SeriesSource.timeKind(df, d);
            quality = qualityReport(results);
        } catch (Exception e) {
            throw inputError(e);
        }
        JavaRDD<Series> series = results.filter(r -> r instanceof SeriesAssembler.Ok)
                .map(r -> ((SeriesAssembler.Ok) r).series()).persist(StorageLevel.MEMORY_AND_DISK());
        long count = series.count();
        results.unpersist();
        if (count > 0) {
            cfg = AutoConfig.resolve(cfg, series);
            shape = new WindowShape(cfg.model().lookback(), shape.horizon());
        }
        if (count > 0 && autoLookback) {
            int minimum = shape.lookback() + shape.horizon();
            List<String[]> tooShort = series.filter(s -> s.length() < minimum).map(s -> new String[] {s.id,
                    "too short: " + s.length() + " points, needs at least " + minimum}).collect();
            if (!tooShort.isEmpty()) {
                quality = quality.withSkipped(tooShort);
                JavaRDD<Series> kept = series.filter(s -> s.length() >= minimum)
                        .persist(StorageLevel.MEMORY_AND_DISK());
                count = kept.count();
                series.unpersist();
                series = kept;
            }
        }
        if (count == 0) {
            throw new DataError("no series to train on: " + quality.report().path("skipped").asInt() + " series were"
                    + " too short for lookback + horizon = " + (shape.lookback() + shape.horizon()));
        }
        // the input is usable: only now does --overwrite move the old model aside, so bad data never touches it;
        // it is deleted when the new model is complete, and put back if this run fails before its first checkpoint
        org.apache.hadoop.fs.Path previous = null;
        if (overwrite && !resume && dir.isComplete()) {
            previous = dir.setAside();
        } else if (overwrite && !resume) {
            dir.clear();
        }
        // a run that fails before its first checkpoint leaves nothing that blocks the corrected rerun
        boolean fresh = !dir.hasContent();
        try {
            dir.clearComplete();
            Scaler global = null;
            if (warm != null && warm.keepScalers() && d.scaling() != Scaling.GLOBAL) {
                JavaRDD<Series> kept = keepScalers(sc, series, warm.seriesScalers(spark), count);
                series.unpersist();
                series = kept;
            }
            if (d.scaling() == Scaling.GLOBAL) {
                global = warm != null && warm.keepScalers() ? warm.globalScaler()
                        : Scaler.fitGlobal(series, d.covariates().size(), d.transform());
                JavaRDD<Series> scaled = global.apply(series).persist(StorageLevel.MEMORY_AND_DISK());
                scaled.count();
                series.unpersist();
                series = scaled;
            }
            ScalerTable.write(spark, series, dir.scalers().toString());
            JavaRDD<Series> chunks = chunked(sc, series, d, shape, partitions, count);
            long cachedBytes = 0;
            for (org.apache.spark.storage.RDDInfo info : sc.sc().getRDDStorageInfo()) {
                if (info.id() == chunks.id()) {
                    cachedBytes = info.memSize() + info.diskSize();
                }
            }
            LOG.info("{} series cached in {} bytes", count, cachedBytes);
            WindowLayout layout = WindowLayout.of(cfg, statics);
            NetworkSpec spec;
            try {
                spec = NetworkSpec.regression(layout.inputWidth(), cfg.model().hidden(), cfg.model().layers(),
                        cfg.model().variant(), cfg.model().horizon(), layout.outputsPerStep(), layout.contextWidth(),
                        statics.rows(), statics.categoricalCount() > 0 ? cfg.model().embeddingDim() : 0);
            } catch (IllegalArgumentException e) {
                throw new ConfigError("model.hidden = " + cfg.model().hidden() + ", model.layers = "
                        + cfg.model().layers() + ": " + e.getMessage() + "; choose a smaller network");
            }
            TrainingLoop.Result training = new TrainingLoop(sc, cfg, spec, layout, dir, lock).fit(chunks, resume,
                    warm == null ? null : warm.weights(spec));
            fresh = false; // a finished training is never removed: a failure from here on keeps its files
            if (chunks != series) {
                chunks.unpersist();
            }
            ObjectNode meta = metadata(cfg, global, statics, quality, training, count, cachedBytes);
            if (warm != null) {
                meta.set("parent", warm.describe());
            }
            GruModel trained = new GruModel(spec, Initializer.averageUnknownRows(spec, training.best()), meta);
            lock.ensureHeld("the model");
            ModelStore.writeFiles(trained, model, sc.hadoopConfiguration());
            fs.delete(dir.report(), true);
            ObjectNode report = Evaluation.run(spark, new ModelInput(series, quality.problems(),
                    ModelInput.forecaster(trained, cfg), Map.of(), kind, DroppedRows.of(quality.report())), model,
                    shape.horizon(), 1, null,
                    dir.report());
            LOG.info(againstBaselines(report));
            lock.ensureHeld(AtomicFiles.SUCCESS);
            dir.markComplete();
            series.unpersist();
            return new TrainingRun(model, training, report);
        } catch (RuntimeException | IOException e) {
            try {
                if (!lock.held()) {
                    LOG.warn("{} is left as it is: another run holds its lock", dir.root());
                } else if (fresh && !dir.hasCheckpoints()) {
                    dir.clear(); // keeps the lock, which this run still holds
                    if (previous != null) {
                        dir.restore(previous);
                    }
                } else if (previous != null) {
                    LOG.warn("the model this --overwrite replaces is kept in {} until a training completes in {}"
                            + " (--resume continues this one)", previous, dir.root());
                }
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * {@code series} (cached) with the parent's scalers for the series the parent was trained on
     * ({@code --keep-scalers}); the new series keep the ones fitted on their own data, as forecasting does.
     */
    private static JavaRDD<Series> keepScalers(JavaSparkContext sc, JavaRDD<Series> series, Map<String, Scaler> parent,
                                               long count) {
        Broadcast<Map<String, Scaler>> bc = sc.broadcast(parent);
        JavaRDD<Series> kept = series.map(s -> bc.value().containsKey(s.id) ? s.withScaler(bc.value().get(s.id)) : s)
                .persist(StorageLevel.MEMORY_AND_DISK());
        long known = kept.filter(s -> bc.value().containsKey(s.id)).count(); // also fills kept's cache
        LOG.info("--keep-scalers: the parent's scalers for {} of {} series; the other {} are fitted on their own"
                + " data", known, count, count - known);
        return kept;
    }

    /**
     * The series cut into chunks when the longest is longer than {@code data.chunkPoints} (automatic: a quarter of
     * a partition's share of the points), cached beside the whole series, which the report needs; else
     * {@code series} itself.
     */
    private static JavaRDD<Series> chunked(JavaSparkContext sc, JavaRDD<Series> series, TrainConfig.Data d,
                                           WindowShape shape, int partitions, long count) {
        long points = series.map(s -> (long) s.length()).reduce(Long::sum);
        int maxPoints = d.chunkPoints() > 0 ? d.chunkPoints()
                : SeriesChunker.autoChunkPoints(points, partitions, shape.lookback(), shape.horizon());
        int longest = series.map(Series::length).reduce(Math::max);
        if (longest <= maxPoints) {
            return series;
        }
        JavaRDD<Series> chunks = SeriesChunker.rebalance(series, maxPoints, shape.lookback(), shape.horizon(),
                partitions).persist(StorageLevel.MEMORY_AND_DISK());
        long n = chunks.count();
        LOG.info("series longer than {} points cut into chunks: {} series became {} chunks", maxPoints, count, n);
        return chunks;
    }

    /** The model's metadata: configuration, data schema and scalers, data quality and the training summary. */
    private static ObjectNode metadata(TrainConfig cfg, Scaler global, StaticCovariates statics, Quality quality,
                                       TrainingLoop.Result training,
                                       long count, long cachedBytes) throws IOException {
        TrainConfig.Data d = cfg.data();
        ObjectNode meta = JSON.createObjectNode();
        meta.set("configuration", JSON.readTree(cfg.renderJson()));
        ObjectNode schema = meta.putObject("data");
        schema.put("id", d.id());
        schema.put("time", d.time());
        schema.put("timeZone", d.timeZone().getId());
        schema.put("target", d.target());
        schema.set("features", JSON.valueToTree(d.features()));
        schema.set("futureFeatures", JSON.valueToTree(d.futureFeatures()));
        if (!statics.isEmpty()) {
            schema.set("staticFeatures", statics.toJson());
        }
        schema.set("calendar", JSON.valueToTree(d.calendar().stream().map(CalendarFeature::id).toList()));
        schema.put("scaling", d.scaling().id());
        if (global != null) {
            ObjectNode g = schema.putObject("globalScaler");
            g.put("mean", global.mean());
            g.put("scale", global.scale());
            g.set("featureMean", JSON.valueToTree(global.featureMean()));
            g.set("featureScale", JSON.valueToTree(global.featureScale()));
        }
        schema.put("inputs", "per step: standardized target, standardized features, calendar sine/cosine pairs,"
                + " standardized numeric static features, embeddings of the categorical ones");
        meta.set("dataQuality", quality.report());
        ObjectNode summary = meta.putObject("training");
        summary.put("iterations", training.iterations());
        summary.put("bestIteration", training.bestIteration());
        summary.put("stopReason", training.stopReason());
        summary.put("trainingWindows", training.trainingWindows());
        summary.put("localSteps", training.localSteps());
        summary.put("series", count);
        summary.put("cachedBytes", cachedBytes);
        Validation m = training.bestMetrics();
        if (m != null) {
            summary.put("validationMAE", m.mae());
            summary.put("validationRMSE", m.rmse());
            summary.put("validationSMAPE", m.smape());
            summary.put("validationMASE", m.mase());
        }
        return meta;
    }

    /**
     * The user-facing form of a failure while reading the input: malformed CSV or JSON records, values that do not
     * fit their column; anything else is rethrown as it is.
     */
    static RuntimeException inputError(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("Malformed") || t instanceof NumberFormatException
                    || t.getClass().getSimpleName().contains("BadRecord")) {
                String first = m.lines().findFirst().orElse(m);
                return new UserError("the input has a malformed record (" + first.strip() + "); fix the file, or read"
                        + " it with a schema that fits it");
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }

    /**
     * The data-quality report of an assembly: the counts and examples stored in the model, and every series left out
     * of training with the reason (the report lists them as not evaluated).
     */
    private record Quality(ObjectNode report, List<String[]> problems) {
        /** This report with {@code more} series ({id, reason}) skipped as well. */
        Quality withSkipped(List<String[]> more) {
            ObjectNode r = report.deepCopy();
            r.put("assembled", r.path("assembled").asInt() - more.size());
            r.put("skipped", r.path("skipped").asInt() + more.size());
            ArrayNode examples = r.withArray("skippedExamples");
            List<String[]> all = new ArrayList<>(problems);
            for (String[] p : more) {
                all.add(p);
                if (examples.size() < 5) {
                    examples.add(p[0] + " (" + p[1] + ")");
                }
            }
            return new Quality(r, List.copyOf(all));
        }
    }

    /** Counts every data-cleaning outcome, with example series ids; data errors stop the job here. */
    private static Quality qualityReport(JavaRDD<SeriesAssembler.Result> results) {
        List<String[]> outcomes = results.map(r -> {
            if (r instanceof SeriesAssembler.Ok ok) {
                Series.Quality q = ok.series().quality;
                return new String[] {"ok", r.id(), q.droppedMissing() + "," + q.interpolatedMissing() + ","
                        + q.duplicatesResolved() + "," + q.gapsFilled()};
            }
            if (r instanceof SeriesAssembler.Skipped s) {
                return new String[] {"skipped", s.id(), s.reason()};
            }
            if (r instanceof SeriesAssembler.Unidentified u) {
                return new String[] {"unidentified", u.id(), Long.toString(u.rows())};
            }
            return new String[] {"failed", r.id(), ((SeriesAssembler.Failed) r).message()};
        }).collect();
        List<String> failures = new ArrayList<>();
        List<String[]> problems = new ArrayList<>();
        ObjectNode q = JSON.createObjectNode();
        int ok = 0;
        int skipped = 0;
        long rowsWithoutId = 0;
        int unidentified = 0;
        long[] counts = new long[4];
        String[] names = {"droppedMissing", "interpolatedMissing", "duplicatesResolved", "gapsFilled"};
        ObjectNode examples = JSON.createObjectNode();
        ArrayNode skippedIds = JSON.createArrayNode();
        for (String[] o : outcomes) {
            switch (o[0]) {
                case "ok" -> {
                    ok++;
                    String[] c = o[2].split(",");
                    for (int i = 0; i < 4; i++) {
                        long v = Long.parseLong(c[i]);
                        counts[i] += v;
                        if (v > 0 && examples.withArray(names[i]).size() < 5) {
                            examples.withArray(names[i]).add(o[1]);
                        }
                    }
                }
                case "skipped" -> {
                    skipped++;
                    problems.add(new String[] {o[1], o[2]});
                    if (skippedIds.size() < 5) {
                        skippedIds.add(o[1] + " (" + o[2] + ")");
                    }
                }
                case "unidentified" -> {
                    unidentified++;
                    rowsWithoutId += Long.parseLong(o[2]);
                }
                default -> failures.add(o[2]);
            }
        }
        if (!failures.isEmpty()) {
            failures.sort(null);
            throw new DataError(failures.size() + " series have data errors under the configured policies; first: "
                    + String.join(" | ", failures.subList(0, Math.min(3, failures.size()))));
        }
        q.put("series", outcomes.size() - unidentified);
        q.put("assembled", ok);
        q.put("skipped", skipped);
        q.set("skippedExamples", skippedIds);
        q.put("rowsWithoutSeriesId", rowsWithoutId);
        for (int i = 0; i < 4; i++) {
            q.put(names[i], counts[i]);
        }
        q.set("examples", examples);
        LOG.info("data quality: {}", q);
        return new Quality(q, problems);
    }
}
