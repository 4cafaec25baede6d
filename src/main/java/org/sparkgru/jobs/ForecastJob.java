package org.sparkgru.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.data.CalendarFeatures;
import org.sparkgru.data.GlobalScaler;
import org.sparkgru.data.Series;
import org.sparkgru.data.SeriesAssembler;
import org.sparkgru.data.SeriesSource;
import org.sparkgru.data.TimeKind;
import org.sparkgru.forecasting.Forecaster;
import org.sparkgru.model.GruModel;
import org.sparkgru.model.HadoopFiles;
import org.sparkgru.model.ModelFormatException;
import org.sparkgru.model.ModelStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jobs/forecast.sh}: batch forecasts of every series of a table with a trained model.
 *
 * <p>The model's data policies and scaling apply (overridable with {@code --set data.*}); series seen in training
 * use their training scalers, unseen ones a scaler fitted on their own history (scaling {@code series}) or their
 * window ({@code window}). The last {@code lookback} points (at or before {@code --as-of}) predict {@code horizon}
 * steps, continuing each series' grid. Output directory: {@code forecasts/} (Parquet, or CSV; columns series,
 * time, step, forecast), {@code summary.json} (counts and every series that could not be forecast, with the
 * reason), and {@code _SUCCESS}, written last.
 */
@Command(name = "forecast.sh", mixinStandardHelpOptions = true,
        description = "Forecast every series of a table with a trained spark-gru model.")
public final class ForecastJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ForecastJob.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final class Source {
        @Option(names = "--input", paramLabel = "PATH", description = "File, directory, glob or dataset.")
        String input;

        @Option(names = "--table", paramLabel = "NAME", description = "A catalog table instead of --input.")
        String table;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory.")
    String model;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output directory.")
    String output;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "parquet",
            description = "Input format: csv, parquet, orc, json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--output-format", paramLabel = "FORMAT", defaultValue = "parquet",
            description = "Output format: parquet or csv (default: ${DEFAULT-VALUE}).")
    String outputFormat;

    @Option(names = "--as-of", paramLabel = "TIME",
            description = "Forecast from the history at or before this time (ISO timestamp, date, or index).")
    String asOf;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a data.* key of the model's configuration.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--overwrite", description = "Replace an existing output directory.")
    boolean overwrite;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master when none is configured.")
    String master;

    public static void main(String[] args) {
        System.exit(JobRunner.run(new ForecastJob(), args));
    }

    @Override
    public Integer call() throws IOException {
        for (String s : sets) {
            if (!s.startsWith("data.")) {
                throw new UserError("--set " + s + ": only data.* keys can change at forecast time");
            }
        }
        if (!List.of("parquet", "csv").contains(outputFormat)) {
            throw new UserError("unknown --output-format '" + outputFormat + "': choose parquet or csv");
        }
        GruModel m = ModelStore.load(model, new org.apache.hadoop.conf.Configuration());
        TrainConfig cfg = config(m);
        SparkSession.Builder builder = SparkSession.builder().appName("spark-gru forecast");
        if (master != null) {
            builder.master(master);
        } else if (!new org.apache.spark.SparkConf().contains("spark.master")) {
            builder.master("local[*]");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            System.out.println(run(spark, m, cfg));
            return 0;
        } finally {
            spark.stop();
        }
    }

    TrainConfig config(GruModel m) {
        JsonNode stored = m.metadata().get("configuration");
        if (stored == null) {
            throw new ModelFormatException(model + "/model.json has no training configuration in its metadata;"
                    + " forecasting needs a model written by jobs/train.sh");
        }
        return TrainConfig.fromModel(stored.toString(), sets);
    }

    String run(SparkSession spark, GruModel m, TrainConfig cfg) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Path out = new Path(output);
        FileSystem fs = HadoopFiles.of(out, sc.hadoopConfiguration());
        if (fs.exists(out)) {
            if (!overwrite) {
                throw new UserError("output " + out + " already exists; choose another --output or pass --overwrite");
            }
            fs.delete(out, true);
        }
        TrainConfig.Data d = cfg.data();
        Dataset<Row> df;
        try {
            df = source.table != null ? spark.table(source.table) : SeriesSource.read(spark, source.input, format);
        } catch (Exception e) {
            if (e instanceof org.apache.spark.sql.AnalysisException a) {
                throw new UserError("cannot read " + (source.table != null ? "table " + source.table : source.input)
                        + ": " + a.getSimpleMessage());
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e);
        }
        for (String f : d.features()) {
            if (!List.of(df.columns()).contains(f)) {
                throw new UserError("the model was trained with covariate '" + f + "' (data.features = "
                        + d.features() + ") but the input has no such column; it has " + String.join(", ",
                        df.columns()));
            }
        }
        SeriesSource.validate(df, d);
        TimeKind kind = SeriesSource.timeKind(df, d);
        if (asOf != null) {
            df = df.where(col(d.time()).leq(asOfLiteral(kind)));
        }
        int lookback = cfg.model().lookback();
        int horizon = cfg.model().horizon();
        String scaling = d.scaling();
        SeriesAssembler assembler = new SeriesAssembler(d.missing(), d.duplicates(), d.gaps(), lookback, 0,
                scaling.equals("global") ? "none" : scaling);
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
                ? trainedScalers(spark, scaling.equals("window")) : Map.of();
        Broadcast<Map<String, Forecaster.Scaler>> scalers = sc.broadcast(trained);
        Forecaster forecaster = new Forecaster(m.spec(), m.params(), lookback, horizon,
                new CalendarFeatures(d.calendar()), scaling.equals("window"));
        Broadcast<Forecaster> network = sc.broadcast(forecaster);
        sc.setJobDescription("spark-gru forecast");
        DataType timeType = switch (kind) {
            case TIMESTAMP -> DataTypes.TimestampType;
            case DATE -> DataTypes.DateType;
            case INDEX -> DataTypes.LongType;
        };
        JavaRDD<Row> rows = series.mapPartitions(it -> network.value().forecast(it, scalers.value()))
                .map(p -> RowFactory.create(p.id(), external(kind, p.tick()), p.step(), p.value()));
        StructType schema = new StructType().add("series", DataTypes.StringType).add("time", timeType)
                .add("step", DataTypes.IntegerType).add("forecast", DataTypes.DoubleType);
        var writer = spark.createDataFrame(rows, schema).write().mode("errorifexists");
        if (outputFormat.equals("csv")) {
            writer = writer.option("header", "true");
        }
        writer.format(outputFormat).save(new Path(out, "forecasts").toString());
        long forecastSeries = spark.read().format(outputFormat).option("header", "true")
                .load(new Path(out, "forecasts").toString()).select("series").distinct().count();
        results.unpersist();
        ObjectNode summary = JSON.createObjectNode();
        summary.put("model", model);
        summary.put("asOf", asOf);
        summary.put("horizon", horizon);
        summary.put("forecastSeries", forecastSeries);
        summary.put("notForecast", problems.size());
        ArrayNode list = summary.putArray("notForecastSeries");
        problems.stream().sorted((a, b) -> a[0].compareTo(b[0])).forEach(p -> list.addObject().put("series", p[0])
                .put("reason", p[1]));
        try (OutputStream o = fs.create(new Path(out, "summary.json"), true)) {
            o.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(summary));
        }
        fs.create(new Path(out, TrainJob.SUCCESS), true).close();
        LOG.info("forecast summary: {}", summary);
        return "forecasts of " + forecastSeries + " series written to " + out + "/forecasts ("
                + problems.size() + " series could not be forecast: see " + out + "/summary.json)";
    }

    private Map<String, Forecaster.Scaler> trainedScalers(SparkSession spark, boolean featuresOnly) {
        Map<String, Forecaster.Scaler> map = new HashMap<>();
        for (Row r : spark.read().parquet(new Path(model, "scalers").toString()).collectAsList()) {
            float[] fm = floats(r.getList(r.fieldIndex("featureMean")));
            float[] fs = floats(r.getList(r.fieldIndex("featureScale")));
            map.put(r.getString(r.fieldIndex("id")), featuresOnly ? new Forecaster.Scaler(0f, 1f, fm, fs)
                    : new Forecaster.Scaler(r.getFloat(r.fieldIndex("mean")), r.getFloat(r.fieldIndex("scale")), fm, fs));
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

    private static Object external(TimeKind kind, long tick) {
        return switch (kind) {
            case TIMESTAMP -> Timestamp.from(Instant.EPOCH.plusSeconds(Math.floorDiv(tick, 1_000_000L))
                    .plusNanos(Math.floorMod(tick, 1_000_000L) * 1000L));
            case DATE -> Date.valueOf(LocalDate.ofEpochDay(tick));
            case INDEX -> tick;
        };
    }

    private org.apache.spark.sql.Column asOfLiteral(TimeKind kind) {
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
