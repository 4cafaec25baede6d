package org.sparkgru.ml;

import org.sparkgru.UserError;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.data.GlobalScaler;
import org.sparkgru.data.Series;
import org.sparkgru.data.SeriesAssembler;
import org.sparkgru.data.SeriesChunker;
import org.sparkgru.data.SeriesSource;
import org.sparkgru.data.TimeFormat;
import org.sparkgru.model.GruModel;
import org.sparkgru.model.HadoopFiles;
import org.sparkgru.model.ModelStore;
import org.sparkgru.model.NetworkSpec;
import org.sparkgru.training.Trainer;

/**
 * The training pipeline behind {@code jobs/train.sh} and {@link GruForecaster#fit}: model directory checks,
 * Spark SQL ingestion and series assembly with the data-quality report, scaling and chunking, the distributed
 * training loop, the model files, the scaler table, the validation-tail report, and {@code _SUCCESS} last.
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
    public record TrainingRun(String modelDir, Trainer.Result training) {
        /** A two-line human summary: where the model is and its validation metrics. */
        public String summary() {
            double[] m = training.bestMetrics();
            return "model written to " + modelDir + " (best iteration " + training.bestIteration() + " of "
                    + training.iterations() + ", " + training.stopReason() + ")\nvalidation: "
                    + (m == null ? "none" : String.format("MAE %.5g  RMSE %.5g  sMAPE %.3g%%  MASE %.4g",
                    m[0], m[1], m[2], m[3]));
        }
    }

    /**
     * The training pipeline on a Dataset, shared by this job and {@link GruForecaster}: checks the
     * model directory, assembles and reports the data, trains, and writes the complete model directory.
     */
    public static TrainingRun train(SparkSession spark, TrainConfig cfg, Dataset<Row> df, String model, boolean resume,
                               boolean overwrite) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = sc.hadoopConfiguration();
        Path dir = new Path(model);
        FileSystem fs = HadoopFiles.of(dir, hadoop);
        if (fs.exists(new Path(dir, ModelStore.SUCCESS)) && !overwrite && !resume) {
            throw new UserError("model directory " + dir + " already holds a complete model; choose another"
                    + " --model, or pass --overwrite to replace it");
        }
        if (fs.exists(dir) && !fs.exists(new Path(dir, ModelStore.SUCCESS)) && !resume && !overwrite
                && fs.listStatus(dir).length > 0) {
            throw new UserError("model directory " + dir + " holds an unfinished training; pass --resume to continue"
                    + " it or --overwrite to start again");
        }
        int partitions = cfg.data().partitions() > 0 ? cfg.data().partitions() : sc.defaultParallelism();
        JavaRDD<SeriesAssembler.Result> results;
        ObjectNode quality;
        try {
            if (df.isEmpty()) {
                throw new UserError("the input has no rows; check --input or --table");
            }
            results = SeriesSource.assemble(df, cfg, partitions).persist(StorageLevel.MEMORY_AND_DISK());
            quality = qualityReport(results);
        } catch (Exception e) {
            throw inputError(e);
        }
        JavaRDD<Series> series = results.filter(r -> r instanceof SeriesAssembler.Ok)
                .map(r -> ((SeriesAssembler.Ok) r).series()).persist(StorageLevel.MEMORY_AND_DISK());
        long count = series.count();
        results.unpersist();
        if (count == 0) {
            throw new UserError("no series to train on: " + quality.path("skipped").asInt() + " series were too short"
                    + " for lookback + horizon = " + (cfg.model().lookback() + cfg.model().horizon()));
        }
        // the input is usable: only now does --overwrite replace the old model, so bad data never destroys it
        if (overwrite && !resume && fs.exists(dir)) {
            fs.delete(dir, true);
        }
        fs.delete(new Path(dir, ModelStore.SUCCESS), false);
        GlobalScaler global = null;
        if (cfg.data().scaling().equals("global") && count > 0) {
            global = GlobalScaler.fit(series, cfg.model().horizon(), cfg.data().features().size());
            JavaRDD<Series> scaled = global.apply(series).persist(StorageLevel.MEMORY_AND_DISK());
            scaled.count();
            series.unpersist();
            series = scaled;
        }
        writeScalers(spark, series, new Path(dir, "scalers").toString());
        long points = series.map(s -> (long) s.length()).reduce(Long::sum);
        int maxPoints = cfg.data().chunkPoints() > 0 ? cfg.data().chunkPoints()
                : SeriesChunker.autoChunkPoints(points, partitions, cfg.model().lookback(), cfg.model().horizon());
        int longest = series.map(Series::length).reduce(Math::max);
        if (longest > maxPoints) {
            JavaRDD<Series> chunks = SeriesChunker.rebalance(series, maxPoints, cfg.model().lookback(),
                    cfg.model().horizon(), partitions).persist(StorageLevel.MEMORY_AND_DISK());
            long n = chunks.count();
            LOG.info("series longer than {} points cut into chunks: {} series became {} chunks", maxPoints, count, n);
            series.unpersist();
            series = chunks;
        }
        long cachedBytes = 0;
        for (org.apache.spark.storage.RDDInfo info : sc.sc().getRDDStorageInfo()) {
            if (info.id() == series.id()) {
                cachedBytes = info.memSize() + info.diskSize();
            }
        }
        LOG.info("{} series cached in {} bytes", count, cachedBytes);
        int inputSize = 1 + cfg.data().features().size() + 2 * cfg.data().calendar().size();
        NetworkSpec spec = NetworkSpec.regression(inputSize, cfg.model().hidden(), cfg.model().layers(),
                cfg.model().variant(), cfg.model().horizon(), 1);
        Trainer.Result training = new Trainer(sc, cfg, spec, model, hadoop).fit(series, resume);
        ObjectNode meta = JSON.createObjectNode();
        meta.set("configuration", JSON.readTree(cfg.renderJson()));
        ObjectNode schema = meta.putObject("data");
        schema.put("id", cfg.data().id());
        schema.put("time", cfg.data().time());
        schema.put("target", cfg.data().target());
        schema.set("features", JSON.valueToTree(cfg.data().features()));
        schema.set("calendar", JSON.valueToTree(cfg.data().calendar()));
        schema.put("scaling", cfg.data().scaling());
        if (global != null) {
            ObjectNode g = schema.putObject("globalScaler");
            g.put("mean", global.mean());
            g.put("scale", global.scale());
            g.set("featureMean", JSON.valueToTree(global.featureMean()));
            g.set("featureScale", JSON.valueToTree(global.featureScale()));
        }
        schema.put("inputs", "per step: standardized target, standardized features, calendar sine/cosine pairs");
        meta.set("dataQuality", quality);
        ObjectNode summary = meta.putObject("training");
        summary.put("iterations", training.iterations());
        summary.put("bestIteration", training.bestIteration());
        summary.put("stopReason", training.stopReason());
        summary.put("trainingWindows", training.trainingWindows());
        summary.put("series", count);
        summary.put("cachedBytes", cachedBytes);
        if (training.bestMetrics() != null) {
            double[] m = training.bestMetrics();
            summary.put("validationMAE", m[0]);
            summary.put("validationRMSE", m[1]);
            summary.put("validationSMAPE", m[2]);
            summary.put("validationMASE", m[3]);
        }
        GruModel trained = new GruModel(spec, training.best(), meta);
        ModelStore.writeFiles(trained, model, hadoop);
        Path report = new Path(dir, "report");
        fs.delete(report, true);
        Evaluation.backtest(spark, trained, model, cfg, df, 1, null, report);
        fs.create(new Path(dir, ModelStore.SUCCESS), true).close();
        series.unpersist();
        return new TrainingRun(model, training);
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

    /** Counts every data-cleaning outcome, with example series ids; data errors stop the job here. */
    private static ObjectNode qualityReport(JavaRDD<SeriesAssembler.Result> results) {
        List<String[]> outcomes = results.map(r -> {
            if (r instanceof SeriesAssembler.Ok ok) {
                Series.Quality q = ok.series().quality;
                return new String[] {"ok", r.id(), q.droppedMissing() + "," + q.interpolatedMissing() + ","
                        + q.duplicatesResolved() + "," + q.gapsFilled()};
            }
            if (r instanceof SeriesAssembler.Skipped s) {
                return new String[] {"skipped", s.id(), s.reason()};
            }
            return new String[] {"failed", r.id(), ((SeriesAssembler.Failed) r).message()};
        }).collect();
        List<String> failures = new ArrayList<>();
        ObjectNode q = JSON.createObjectNode();
        int ok = 0;
        int skipped = 0;
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
                    if (skippedIds.size() < 5) {
                        skippedIds.add(o[1] + " (" + o[2] + ")");
                    }
                }
                default -> failures.add(o[2]);
            }
        }
        if (!failures.isEmpty()) {
            failures.sort(null);
            throw new UserError(failures.size() + " series have data errors under the configured policies; first: "
                    + String.join(" | ", failures.subList(0, Math.min(3, failures.size()))));
        }
        q.put("series", outcomes.size());
        q.put("assembled", ok);
        q.put("skipped", skipped);
        q.set("skippedExamples", skippedIds);
        for (int i = 0; i < 4; i++) {
            q.put(names[i], counts[i]);
        }
        q.set("examples", examples);
        LOG.info("data quality: {}", q);
        return q;
    }

    private static Float[] boxed(float[] a) {
        Float[] b = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }

    private static void writeScalers(SparkSession spark, JavaRDD<Series> series, String path) {
        StructType schema = new StructType().add("id", DataTypes.StringType).add("mean", DataTypes.FloatType)
                .add("scale", DataTypes.FloatType).add("start", DataTypes.StringType)
                .add("frequency", DataTypes.StringType).add("length", DataTypes.IntegerType)
                .add("featureMean", DataTypes.createArrayType(DataTypes.FloatType, false))
                .add("featureScale", DataTypes.createArrayType(DataTypes.FloatType, false));
        JavaRDD<Row> rows = series.map(s -> RowFactory.create(s.id, s.mean, s.scale,
                TimeFormat.format(s.grid.kind(), s.grid.timeAt(0)), s.grid.frequency(), s.length(),
                boxed(s.featureMean), boxed(s.featureScale)));
        spark.createDataFrame(rows, schema).coalesce(1).write().mode("overwrite").parquet(path);
    }
}
