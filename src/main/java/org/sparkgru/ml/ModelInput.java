package org.sparkgru.ml;

import org.sparkgru.UserError;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.data.CalendarFeatures;
import org.sparkgru.data.GlobalScaler;
import org.sparkgru.data.Series;
import org.sparkgru.data.SeriesAssembler;
import org.sparkgru.data.SeriesSource;
import org.sparkgru.data.TimeKind;
import org.sparkgru.forecasting.Forecaster;
import org.sparkgru.model.GruModel;
import org.sparkgru.model.ModelFormatException;

/**
 * What the forecast and evaluation jobs share: reading the input of a trained model the way it was trained
 * (columns, covariates, data policies, scaling, history cut at {@code --as-of}), and the model's forecaster and
 * training scalers.
 *
 * @param series     assembled series (cached)
 * @param problems   {series id, reason} of the series that could not be assembled
 * @param forecaster the model's forward pass, to broadcast
 * @param trained    training scalers by series id (empty when the model's scaling has none per series)
 * @param kind       the time column's kind
 */
public record ModelInput(JavaRDD<Series> series, List<String[]> problems, Forecaster forecaster,
                  Map<String, Forecaster.Scaler> trained, TimeKind kind) {

    /** The model's stored configuration with {@code data.*} overrides. */
    public static TrainConfig config(GruModel m, String modelDir, List<String> sets) {
        for (String s : sets) {
            if (!s.startsWith("data.")) {
                throw new UserError("--set " + s + ": only data.* keys can change after training");
            }
        }
        JsonNode stored = m.metadata().get("configuration");
        if (stored == null) {
            throw new ModelFormatException(modelDir + "/model.json has no training configuration in its metadata;"
                    + " this needs a model written by jobs/train.sh");
        }
        return TrainConfig.fromModel(stored.toString(), sets);
    }

    /** Reads {@code --input} or {@code --table}, with read errors as user errors. */
    public static Dataset<Row> read(SparkSession spark, String input, String table, String format) throws IOException {
        try {
            return table != null ? spark.table(table) : SeriesSource.read(spark, input, format);
        } catch (Exception e) {
            if (e instanceof org.apache.spark.sql.AnalysisException a) {
                throw new UserError("cannot read " + (table != null ? "table " + table : input) + ": "
                        + a.getSimpleMessage());
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e);
        }
    }

    /**
     * Assembles the series of {@code df} for the model: {@code horizonHeld} points of each series are kept for
     * scoring (0 to forecast the future), and the history ends at {@code asOf} when it is not null.
     */
    public static ModelInput prepare(SparkSession spark, GruModel m, String modelDir, TrainConfig cfg, Dataset<Row> df,
                              String asOf) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        TrainConfig.Data d = cfg.data();
        for (String f : d.features()) {
            if (!List.of(df.columns()).contains(f)) {
                throw new UserError("the model was trained with covariate '" + f + "' (data.features = "
                        + d.features() + ") but the input has no such column; it has "
                        + String.join(", ", df.columns()));
            }
        }
        SeriesSource.validate(df, d);
        TimeKind kind = SeriesSource.timeKind(df, d);
        if (asOf != null) {
            df = df.where(col(d.time()).leq(asOfLiteral(kind, asOf)));
        }
        String scaling = d.scaling();
        SeriesAssembler assembler = new SeriesAssembler(d.missing(), d.duplicates(), d.gaps(),
                cfg.model().lookback(), 0, scaling.equals("global") ? "none" : scaling);
        JavaRDD<SeriesAssembler.Result> results = SeriesSource.assemble(df, d, assembler, sc.defaultParallelism())
                .persist(StorageLevel.MEMORY_AND_DISK());
        List<String[]> problems = results.filter(r -> !(r instanceof SeriesAssembler.Ok)).map(r ->
                new String[] {r.id(), r instanceof SeriesAssembler.Skipped s ? s.reason()
                        : ((SeriesAssembler.Failed) r).message()}).collect();
        JavaRDD<Series> series = results.filter(r -> r instanceof SeriesAssembler.Ok)
                .map(r -> ((SeriesAssembler.Ok) r).series());
        if (scaling.equals("global")) {
            JsonNode g = m.metadata().at("/data/globalScaler");
            series = new GlobalScaler((float) g.get("mean").asDouble(), (float) g.get("scale").asDouble(),
                    floats(g.get("featureMean")), floats(g.get("featureScale"))).apply(series);
        }
        Map<String, Forecaster.Scaler> trained = scaling.equals("series") || scaling.equals("window")
                ? trainedScalers(spark, modelDir, scaling.equals("window")) : Map.of();
        Forecaster forecaster = new Forecaster(m.spec(), m.params(), cfg.model().lookback(), cfg.model().horizon(),
                new CalendarFeatures(d.calendar()), scaling.equals("window"));
        return new ModelInput(series, problems, forecaster, trained, kind);
    }

    private static Map<String, Forecaster.Scaler> trainedScalers(SparkSession spark, String modelDir,
                                                                 boolean featuresOnly) {
        Map<String, Forecaster.Scaler> map = new HashMap<>();
        for (Row r : spark.read().parquet(new Path(modelDir, "scalers").toString()).collectAsList()) {
            float[] fm = floats(r.getList(r.fieldIndex("featureMean")));
            float[] fs = floats(r.getList(r.fieldIndex("featureScale")));
            map.put(r.getString(r.fieldIndex("id")), featuresOnly ? new Forecaster.Scaler(0f, 1f, fm, fs)
                    : new Forecaster.Scaler(r.getFloat(r.fieldIndex("mean")), r.getFloat(r.fieldIndex("scale")), fm,
                    fs));
        }
        return map;
    }

    private static float[] floats(List<Object> l) {
        float[] a = new float[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = ((Number) l.get(i)).floatValue();
        }
        return a;
    }

    private static float[] floats(JsonNode n) {
        float[] a = new float[n.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) n.get(i).asDouble();
        }
        return a;
    }

    private static org.apache.spark.sql.Column asOfLiteral(TimeKind kind, String asOf) {
        try {
            return switch (kind) {
                case TIMESTAMP -> lit(Timestamp.from(asOf.contains("T") && (asOf.endsWith("Z") || asOf.contains("+"))
                        ? Instant.parse(asOf) : asOf.contains("T") ? LocalDateTime.parse(asOf).toInstant(ZoneOffset.UTC)
                        : LocalDate.parse(asOf).atStartOfDay(ZoneOffset.UTC).toInstant()));
                case DATE -> lit(Date.valueOf(LocalDate.parse(asOf.length() > 10 ? asOf.substring(0, 10) : asOf)));
                case INDEX -> lit(Long.parseLong(asOf));
            };
        } catch (RuntimeException e) {
            throw new UserError("--as-of '" + asOf + "' is not a " + kind.name().toLowerCase()
                    + " value (use 2026-01-31T00:00:00Z, 2026-01-31 or an integer index)");
        }
    }
}
