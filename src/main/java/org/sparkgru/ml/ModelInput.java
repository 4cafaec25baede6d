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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.config.FileFormat;
import org.sparkgru.config.Scaling;
import org.sparkgru.data.CalendarFeatures;
import org.sparkgru.data.Scaler;
import org.sparkgru.data.ScalerTable;
import org.sparkgru.data.Series;
import org.sparkgru.data.SeriesAssembler;
import org.sparkgru.data.SeriesSource;
import org.sparkgru.data.StaticCovariates;
import org.sparkgru.data.TimeKind;
import org.sparkgru.data.WindowLayout;
import org.sparkgru.data.WindowShape;
import org.sparkgru.io.ModelDirectory;
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
 * @param id         the input's id column, which forecasts and metrics carry
 * @param dropped    the input rows the data policies dropped
 */
public record ModelInput(JavaRDD<Series> series, List<String[]> problems, Forecaster forecaster,
                         Map<String, Scaler> trained, TimeKind kind, IdColumn id, DroppedRows dropped) {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelInput.class);

    /** Series of the training job's validation-tail report, whose metrics keep string ids in {@code series}. */
    public ModelInput(JavaRDD<Series> series, List<String[]> problems, Forecaster forecaster,
                      Map<String, Scaler> trained, TimeKind kind, DroppedRows dropped) {
        this(series, problems, forecaster, trained, kind, IdColumn.REPORT, dropped);
    }

    /**
     * The input's series id column, whose name and type forecasts and evaluation metrics keep so that they join back
     * to the input. Ids travel as strings inside (scalers, reports and summaries key on them) and are converted back
     * to the input's type where that is exact: numbers, strings, booleans and dates. Other id types (timestamps,
     * whose text depends on the session's time zone, binary, nested) stay in their string form.
     */
    public record IdColumn(String name, DataType type) {
        /** The training report's: string ids in a column {@code series}, as docs/model-format.md pins it. */
        static final IdColumn REPORT = new IdColumn("series", DataTypes.StringType);

        /** The column {@code name} of {@code input}, which must have it. */
        static IdColumn of(StructType input, String name) {
            DataType t = input.apply(name).dataType();
            boolean exact = t instanceof NumericType || t instanceof StringType || t instanceof BooleanType
                    || t instanceof DateType;
            return new IdColumn(name, exact ? t : DataTypes.StringType);
        }

        /** {@code frame}, whose column {@link #name} holds the string ids, with that column in the input's type. */
        Dataset<Row> typed(Dataset<Row> frame) {
            return frame.withColumn(name, col(name).cast(type));
        }
    }

    /**
     * Refuses an input column ({@code key}: data.id, data.time) named like a column the output adds: the output
     * would hold two columns of one name (Spark compares names without case).
     *
     * @param what the added columns, described ("a forecast column (step, forecast)")
     */
    static void requireOwnName(String column, String key, List<String> added, String what) {
        if (added.stream().anyMatch(column::equalsIgnoreCase)) {
            throw new UserError("the input's column '" + column + "' (" + key + ") has the name of " + what
                    + "; rename that input column and set " + key + " to the new name (--set " + key + "=NAME)");
        }
    }

    /** The model's stored configuration with {@code data.*} and {@code forecast.*} overrides. */
    public static TrainConfig config(GruModel m, String modelDir, List<String> sets) {
        for (String s : sets) {
            if (!s.startsWith("data.") && !s.startsWith("forecast.")) {
                throw new UserError("--set " + s + ": only data.* and forecast.* keys can change after training");
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
    public static Dataset<Row> read(SparkSession spark, String input, String table, FileFormat format,
                                    java.time.ZoneId zone) throws IOException {
        LOG.info("reading {}", table != null ? "table " + table : input);
        try {
            return table != null ? spark.table(table) : SeriesSource.read(spark, input, format, zone);
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
     * Assembles the series of {@code df} for the model, to score it: the history ends at {@code asOf} when it is not
     * null, and known-future covariates are read from inside each series.
     */
    public static ModelInput prepare(SparkSession spark, GruModel m, String modelDir, TrainConfig cfg, Dataset<Row> df,
                              String asOf) {
        return prepare(spark, m, modelDir, cfg, df, asOf, false);
    }

    /**
     * As above; with {@code future}, to forecast after each series' history: the known-future covariates of the
     * model's {@code data.futureFeatures} are read from the rows after the last target, or after {@code asOf}
     * (whose targets are then ignored), for every step of the horizon.
     */
    public static ModelInput prepare(SparkSession spark, GruModel m, String modelDir, TrainConfig cfg, Dataset<Row> df,
                              String asOf, boolean future) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        TrainConfig.Data d = cfg.data();
        for (String f : d.staticFeatures()) {
            if (!List.of(df.columns()).contains(f)) {
                throw new UserError("the model was trained with the static covariate '" + f + "' (data.staticFeatures"
                        + " = " + d.staticFeatures() + ") but the input has no such column; it has "
                        + String.join(", ", df.columns()));
            }
        }
        for (String f : d.covariates()) {
            if (!List.of(df.columns()).contains(f)) {
                boolean past = d.features().contains(f);
                throw new UserError("the model was trained with covariate '" + f + "' (" + (past ? "data.features = "
                        + d.features() : "data.futureFeatures = " + d.futureFeatures()) + ") but the input has no such column; it has "
                        + String.join(", ", df.columns()));
            }
        }
        SeriesSource.validate(df, d);
        TimeKind kind = SeriesSource.timeKind(df, d);
        boolean readFuture = future && !d.futureFeatures().isEmpty();
        if (asOf != null) {
            org.apache.spark.sql.Column before = col(d.time()).leq(asOfLiteral(kind, asOf, d.timeZone()));
            // known-future covariates come from the rows after the cut, whose targets the forecast must not see
            df = readFuture ? df.withColumn(d.target(), org.apache.spark.sql.functions.when(before, col(d.target())))
                    : df.where(before);
        }
        SeriesAssembler assembler = readFuture
                ? SeriesAssembler.forecasting(d, cfg.model().lookback(), cfg.model().horizon())
                : SeriesAssembler.of(d, new WindowShape(cfg.model().lookback(), 0));
        JavaRDD<SeriesAssembler.Result> results = SeriesSource.assemble(df, d, assembler, sc.defaultParallelism(),
                statics(m))
                .persist(StorageLevel.MEMORY_AND_DISK());
        List<String[]> problems = results.filter(r -> r instanceof SeriesAssembler.Skipped
                || r instanceof SeriesAssembler.Failed).map(r ->
                new String[] {r.id(), r instanceof SeriesAssembler.Skipped s ? s.reason()
                        : ((SeriesAssembler.Failed) r).message()}).collect();
        JavaRDD<Series> series = results.filter(r -> r instanceof SeriesAssembler.Ok)
                .map(r -> ((SeriesAssembler.Ok) r).series());
        DroppedRows dropped = DroppedRows.of(results);
        LOG.info("assembled {} series{}{}{}", series.count(), asOf == null ? "" : " up to " + asOf,
                problems.isEmpty() ? "" : " (" + problems.size() + " left out, first: " + problems.get(0)[0] + ": "
                        + problems.get(0)[1] + ")", dropped.describe());
        if (d.scaling() == Scaling.GLOBAL) {
            series = globalScaler(m).apply(series);
        }
        return new ModelInput(series, problems, forecaster(m, cfg), trainedScalers(spark, modelDir, d.scaling()), kind,
                IdColumn.of(df.schema(), d.id()), dropped);
    }

    /**
     * The training scalers of the model in {@code modelDir} by series id, for its {@code scaling}: per series the
     * stored ones, per window the covariates' only (the target is scaled per window), none for global or none.
     */
    static Map<String, Scaler> trainedScalers(SparkSession spark, String modelDir, Scaling scaling) {
        return switch (scaling) {
            case SERIES -> ScalerTable.read(spark, scalers(modelDir));
            case WINDOW, REVIN -> withoutTargets(ScalerTable.read(spark, scalers(modelDir)));
            case GLOBAL, NONE -> Map.of();
        };
    }

    private static String scalers(String modelDir) {
        return new Path(modelDir, ModelDirectory.SCALERS).toString();
    }

    /** The model's forecaster: its network on windows laid out as in training. */
    static Forecaster forecaster(GruModel m, TrainConfig cfg) {
        return new Forecaster(m.spec(), m.params(), WindowLayout.of(cfg, statics(m)));
    }

    /** The static covariates the model was trained with ({@code metadata.data.staticFeatures}; none if absent). */
    static StaticCovariates statics(GruModel m) {
        return StaticCovariates.fromJson(m.metadata() == null ? null : m.metadata().at("/data/staticFeatures"));
    }

    /** The global scaler stored in the model's metadata ({@code data.scaling = global}). */
    static Scaler globalScaler(GruModel m) {
        JsonNode g = m.metadata().at("/data/globalScaler");
        return new Scaler((float) g.get("mean").asDouble(), (float) g.get("scale").asDouble(),
                floats(g.get("featureMean")), floats(g.get("featureScale")));
    }

    /** Per-window target scaling: the covariates' training scalers; the target is scaled per window. */
    private static Map<String, Scaler> withoutTargets(Map<String, Scaler> scalers) {
        Map<String, Scaler> map = new HashMap<>();
        scalers.forEach((id, sc) -> map.put(id, sc.withoutTarget()));
        return map;
    }

    private static float[] floats(JsonNode n) {
        float[] a = new float[n.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) n.get(i).asDouble();
        }
        return a;
    }

    /** {@code --as-of} as a literal of the time column's kind; a time without an offset is taken in {@code zone}. */
    private static org.apache.spark.sql.Column asOfLiteral(TimeKind kind, String asOf, java.time.ZoneId zone) {
        try {
            return switch (kind) {
                case TIMESTAMP -> lit(Timestamp.from(asOf.contains("T") && (asOf.endsWith("Z") || asOf.contains("+"))
                        ? Instant.parse(asOf) : asOf.contains("T") ? LocalDateTime.parse(asOf).atZone(zone).toInstant()
                        : LocalDate.parse(asOf).atStartOfDay(zone).toInstant()));
                case DATE -> lit(Date.valueOf(LocalDate.parse(asOf.length() > 10 ? asOf.substring(0, 10) : asOf)));
                case INDEX -> lit(Long.parseLong(asOf));
            };
        } catch (RuntimeException e) {
            throw new UserError("--as-of '" + asOf + "' is not a " + kind.name().toLowerCase()
                    + " value (use 2026-01-31T00:00:00Z, 2026-01-31 or an integer index)");
        }
    }
}
