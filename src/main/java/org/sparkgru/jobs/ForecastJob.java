package org.sparkgru.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.sparkgru.ml.Forecasting;
import org.sparkgru.ml.ModelInput;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkRuntimeException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgru.config.Fallback;
import org.sparkgru.config.ConformalIntervals;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.model.GruModel;
import org.sparkgru.config.FileFormat;
import org.sparkgru.io.AtomicFiles;
import org.sparkgru.io.HadoopFiles;
import org.sparkgru.io.Locations;
import org.sparkgru.model.ModelStore;
import org.sparkgru.UserError;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jobs/forecast.sh}: batch forecasts of every series of a table with a trained model.
 *
 * <p>The model's data policies and scaling apply (overridable with {@code --set data.*}); series seen in training
 * use their training scalers, unseen ones a scaler fitted on their own history (scaling {@code series}) or their
 * window ({@code window}). The last {@code lookback} points (at or before {@code --as-of}) predict {@code horizon}
 * steps, continuing each series' grid. With {@code forecast.fallback} set, series on which a baseline beat the
 * model on the training report's validation tail are forecast by that baseline. Output directory:
 * {@code forecasts/} (Parquet, or CSV; columns id, time, step, forecast, and source under a fallback),
 * {@code summary.json} (counts, every series that could not be forecast with the reason, and the series forecast
 * by a baseline), and {@code _SUCCESS}, written last. The forecasts' id and time columns are the input's, named and
 * typed as there ({@link Forecasting#columns}), so that they join back to it; {@code --add-column} adds string
 * columns and {@code --partition-by} partitions the output. {@code --output-table} writes the forecasts to a catalog
 * table instead ({@code --mode} for an existing one), the summary going to the log.
 */
@Command(name = "forecast.sh", mixinStandardHelpOptions = true,
        description = "Forecast every series of a table with a trained spark-gru model.")
public final class ForecastJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ForecastJob.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    InputOptions in = new InputOptions();

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory.")
    String model;

    /** Where the forecasts go: a directory or a catalog table. */
    static final class Destination {
        @Option(names = "--output", paramLabel = "DIR", description = "Output directory.")
        String output;

        @Option(names = "--output-table", paramLabel = "NAME",
                description = "A catalog table instead of --output (Spark's session catalog: the metastore with"
                        + " spark.sql.catalogImplementation=hive).")
        String table;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Destination to;

    @Option(names = "--output-format", paramLabel = "FORMAT",
            description = "Format of --output: parquet or csv (default: parquet).")
    String outputFormat;

    @Option(names = "--mode", paramLabel = "MODE",
            description = "What --output-table does to an existing table: overwrite or append (default: refuse).")
    String mode;

    @Option(names = "--add-column", paramLabel = "NAME=VALUE",
            description = "Add a string column NAME holding VALUE on every row (a run date, a model version).")
    List<String> addColumns = new ArrayList<>();

    @Option(names = "--partition-by", paramLabel = "COLUMN", split = ",",
            description = "Partition the forecasts by these columns (comma-separated).")
    List<String> partitionBy = new ArrayList<>();

    @Option(names = "--as-of", paramLabel = "TIME",
            description = "Forecast from the history at or before this time (ISO timestamp, date, or index).")
    String asOf;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a data.* or forecast.* key of the model's configuration.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--overwrite", description = "Replace an existing output directory.")
    boolean overwrite;

    @Mixin
    IntervalOptions intervalOptions = new IntervalOptions();

    @Option(names = "--max-failed-fraction", paramLabel = "F", defaultValue = FailureThreshold.DEFAULT,
            description = "Largest share of series that may be left out before the run fails (default: ${DEFAULT-VALUE}).")
    double maxFailedFraction;

    public static void main(String[] args) {
        System.exit(JobRunner.run(new ForecastJob(), args));
    }

    @Override
    public Integer call() throws IOException {
        format();
        mode();
        intervalOptions.intervals();
        FailureThreshold.validate(maxFailedFraction);
        org.apache.hadoop.conf.Configuration conf = Locations.hadoopConfiguration();
        Locations.requireCompleteModel(model, conf);
        GruModel m = ModelStore.load(model, conf);
        TrainConfig cfg = config(m);
        addedColumns(cfg);
        if (to.output != null) {
            Locations.requireWritableDirectory(to.output, "--output", conf);
        }
        in.requireInput(conf);
        try (JobSession session = in.session("spark-gru forecast")) {
            System.out.println(run(session.spark(), m, cfg));
            return 0;
        }
    }

    TrainConfig config(GruModel m) {
        return ModelInput.config(m, model, sets);
    }

    String run(SparkSession spark, GruModel m, TrainConfig cfg) throws IOException {
        Map<String, String> added = addedColumns(cfg);
        FileFormat format = format();
        SaveMode tableMode = mode();
        if (to.table != null) {
            return toTable(spark, m, cfg, added, tableMode);
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        FileSystem fs = HadoopFiles.of(new Path(to.output), sc.hadoopConfiguration());
        Path out = fs.makeQualified(new Path(to.output));
        ObjectNode summary = AtomicFiles.writeDirectory(fs, out, overwrite, "output", "--output", staging -> {
            Forecasting.Forecasts f = Forecasting.forecast(spark, m, model, cfg, in.read(spark, cfg.data().timeZone()),
                    asOf, intervalOptions.intervals());
            Dataset<Row> forecasts = withColumns(f.forecasts(), added).persist(StorageLevel.MEMORY_AND_DISK());
            try {
                ObjectNode s = summary(forecasts, f, cfg);
                LOG.info("forecast {} series {} steps ahead; writing them to {} ({})", s.get("forecastSeries"),
                        cfg.model().horizon(), out, format.id());
                var writer = forecasts.write().mode("errorifexists");
                if (!partitionBy.isEmpty()) {
                    writer = writer.partitionBy(partitionBy.toArray(String[]::new));
                }
                if (format == FileFormat.CSV) {
                    // times as ISO 8601 with the offset of data.timeZone (dates stay dates, indices integers);
                    // Spark's default adds milliseconds and uses the session's time zone
                    writer = writer.option("header", "true").option("timestampFormat", "yyyy-MM-dd'T'HH:mm:ssXXX")
                            .option("timeZone", cfg.data().timeZone().getId());
                }
                writer.format(format.id()).save(new Path(staging, "forecasts").toString());
                AtomicFiles.writeFile(fs, new Path(staging, "summary.json"),
                        o -> o.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(s)));
                return s;
            } finally {
                forecasts.unpersist();
            }
        });
        LOG.debug("forecast summary: {}", summary);
        return "forecasts of " + summary.get("forecastSeries").asLong() + " series written to " + out
                + "/forecasts" + byBaseline(summary) + " (" + summary.get("notForecast").asInt()
                + " series could not be forecast: see " + out + "/summary.json)";
    }

    /**
     * Writes the forecasts to the catalog table {@code --output-table}. An existing table needs {@code --mode}, and
     * an append the table's columns; both are checked before forecasting, and the table is written only when few
     * enough series were left out. Replacing and appending are as atomic as the table's catalog and format make
     * them (Spark's session catalog replaces a table by dropping it, then writing the new one).
     */
    private String toTable(SparkSession spark, GruModel m, TrainConfig cfg, Map<String, String> added,
                           SaveMode tableMode) throws IOException {
        String table = to.table;
        Dataset<Row> input = in.read(spark, cfg.data().timeZone());
        if (onTable(table, () -> spark.catalog().tableExists(table))) {
            if (tableMode == null) {
                throw new UserError("table " + table + " exists; pass --mode overwrite or --mode append");
            }
            if (tableMode == SaveMode.Append) {
                StructType forecasts = Forecasting.schema(input.schema(), cfg, false, intervalOptions.intervals());
                for (String name : added.keySet()) {
                    forecasts = forecasts.add(name, DataTypes.StringType);
                }
                requireSameColumns(table, spark.table(table).schema(), forecasts);
            }
        }
        Forecasting.Forecasts f = Forecasting.forecast(spark, m, model, cfg, input, asOf, intervalOptions.intervals());
        Dataset<Row> forecasts = withColumns(f.forecasts(), added).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            ObjectNode summary = summary(forecasts, f, cfg);
            LOG.info("forecast {} series {} steps ahead; writing them to table {}", summary.get("forecastSeries"),
                    cfg.model().horizon(), table);
            var writer = forecasts.write().mode(tableMode == null ? SaveMode.ErrorIfExists : tableMode);
            if (!partitionBy.isEmpty()) {
                writer = writer.partitionBy(partitionBy.toArray(String[]::new));
            }
            var w = writer;
            onTable(table, () -> {
                w.saveAsTable(table);
                return null;
            });
            LOG.info("forecast summary: {}", summary);
            if ("in-memory".equals(spark.conf().get("spark.sql.catalogImplementation", "in-memory"))
                    && "spark_catalog".equals(onTable(table, () -> spark.catalog().getTable(table).catalog()))) {
                LOG.warn("table {} is in Spark's in-memory catalog, which forgets it when this Spark application"
                        + " ends, leaving its files behind; for a lasting table use a metastore:"
                        + " spark.sql.catalogImplementation=hive", table);
            }
            return "forecasts of " + summary.get("forecastSeries").asLong() + " series written to table " + table
                    + byBaseline(summary) + " (" + summary.get("notForecast").asInt() + " series could not be"
                    + " forecast: see the forecast summary in the log)";
        } finally {
            forecasts.unpersist();
        }
    }

    /**
     * The run's summary: counts, the series a baseline forecast and those not forecast with the reason, when few
     * enough series were left out ({@link FailureThreshold}).
     */
    private ObjectNode summary(Dataset<Row> forecasts, Forecasting.Forecasts f, TrainConfig cfg) {
        List<String[]> problems = f.problems();
        String id = cfg.data().id();
        long forecastSeries = forecasts.select(id).distinct().count();
        FailureThreshold.check("forecast", forecastSeries, problems, maxFailedFraction);
        ObjectNode s = JSON.createObjectNode();
        s.put("model", model);
        s.put("asOf", asOf);
        s.put("horizon", cfg.model().horizon());
        s.put("forecastSeries", forecastSeries);
        s.put("notForecast", problems.size());
        f.dropped().putInto(s);
        Fallback fallback = cfg.forecast().fallback();
        s.put("fallback", fallback.id());
        ArrayNode byBaseline = s.putArray("fallbackSeries");
        if (fallback != Fallback.NONE) {
            // ids in their string form, as the series not forecast are listed
            forecasts.where(col(Forecasting.SOURCE).notEqual(Fallback.Source.MODEL.label()))
                    .select(col(id).cast(DataTypes.StringType).as("id"), col(Forecasting.SOURCE)).distinct()
                    .orderBy("id").collectAsList()
                    .forEach(r -> byBaseline.addObject().put("series", r.getString(0)).put("source", r.getString(1)));
        }
        ConformalIntervals intervals = intervalOptions.intervals();
        if (intervals != null) {
            ObjectNode i = s.putObject("intervals");
            i.put("method", "conformal");
            ArrayNode levels = i.putArray("levels");
            for (double l : intervals.levels()) {
                levels.add(l);
            }
            i.put("calibrationOrigins", intervals.calibrationOrigins());
            long without = forecasts.where(col(intervals.columns().get(0)).isNull()).select(id).distinct().count();
            i.put("seriesWithoutIntervals", without);
            if (without > 0) {
                LOG.warn("{} series have too little history before their last {} forecasts to calibrate intervals"
                        + " (lookback + horizon + calibration origins - 1 points): their interval columns are null",
                        without, intervals.calibrationOrigins());
            }
        }
        ArrayNode list = s.putArray("notForecastSeries");
        problems.stream().sorted((a, b) -> a[0].compareTo(b[0])).forEach(p -> list.addObject()
                .put("series", p[0]).put("reason", p[1]));
        return s;
    }

    private static String byBaseline(ObjectNode summary) {
        return summary.get("fallback").asText().equals(Fallback.NONE.id()) ? ""
                : ", " + summary.get("fallbackSeries").size() + " of them by a baseline (forecast.fallback = "
                + summary.get("fallback").asText() + ")";
    }

    /** {@code --output-format}: Parquet unless given, and only for {@code --output} (a table has its own). */
    private FileFormat format() {
        if (outputFormat == null) {
            return FileFormat.PARQUET;
        }
        if (to.table != null) {
            throw new UserError("--output-format applies to --output; a table keeps its own format (a new one gets"
                    + " spark.sql.sources.default, Parquet unless configured)");
        }
        return FileFormat.parse("--output-format", outputFormat, FileFormat.OUTPUT);
    }

    /**
     * {@code --mode}: how an existing {@code --output-table} is written, null when not given (an existing table
     * is refused). {@code --mode} is for tables, {@code --overwrite} for directories.
     */
    private SaveMode mode() {
        if (to.table != null && overwrite) {
            throw new UserError("--overwrite replaces an --output directory; to replace a table pass --mode overwrite");
        }
        if (mode == null) {
            return null;
        }
        if (to.table == null) {
            throw new UserError("--mode applies to --output-table; an existing --output directory is replaced with"
                    + " --overwrite");
        }
        return switch (mode) {
            case "overwrite" -> SaveMode.Overwrite;
            case "append" -> SaveMode.Append;
            default -> throw new UserError("unknown --mode '" + mode + "': choose overwrite or append");
        };
    }

    /**
     * The {@code --add-column} columns by name, and {@code --partition-by} checked against the forecasts' columns
     * with them: names only, known from the configuration, so that {@link #call} checks them before Spark starts.
     * Spark compares column names without case, so an added column clashes with a forecast column of any case.
     */
    Map<String, String> addedColumns(TrainConfig cfg) {
        List<String> columns = new ArrayList<>(Forecasting.columns(cfg, false, intervalOptions.intervals()));
        Map<String, String> added = new LinkedHashMap<>();
        for (String a : addColumns) {
            int eq = a.indexOf('=');
            if (eq < 1) {
                throw new UserError("--add-column " + a + ": expected NAME=VALUE, such as --add-column"
                        + " run_date=2026-05-01");
            }
            String name = a.substring(0, eq);
            for (String c : columns) {
                if (c.equalsIgnoreCase(name)) {
                    throw new UserError("--add-column " + a + ": the forecasts already have a column '" + c + "' ("
                            + String.join(", ", columns) + "); choose another name");
                }
            }
            columns.add(name);
            added.put(name, a.substring(eq + 1));
        }
        for (String p : partitionBy) {
            if (!columns.contains(p)) {
                throw new UserError("--partition-by " + p + ": the forecasts have no such column; they have "
                        + String.join(", ", columns) + " (add one with --add-column NAME=VALUE)");
            }
            if (partitionBy.indexOf(p) != partitionBy.lastIndexOf(p)) {
                throw new UserError("--partition-by names '" + p + "' twice; list each column once");
            }
        }
        return added;
    }

    private static Dataset<Row> withColumns(Dataset<Row> forecasts, Map<String, String> added) {
        for (Map.Entry<String, String> a : added.entrySet()) {
            forecasts = forecasts.withColumn(a.getKey(), lit(a.getValue()));
        }
        return forecasts;
    }

    /**
     * Refuses an append to a table whose columns differ from the forecasts' (names without case, types): Spark
     * would refuse it late, or cast the values.
     */
    private static void requireSameColumns(String table, StructType existing, StructType forecasts) {
        if (!byName(existing).equals(byName(forecasts))) {
            throw new UserError("table " + table + " has the columns (" + describe(existing) + ") but these forecasts"
                    + " have (" + describe(forecasts) + "); an append needs the same columns: write to another"
                    + " table, or replace this one with --mode overwrite");
        }
    }

    private static Map<String, DataType> byName(StructType schema) {
        Map<String, DataType> m = new HashMap<>();
        for (StructField f : schema.fields()) {
            m.put(f.name().toLowerCase(Locale.ROOT), f.dataType());
        }
        return m;
    }

    private static String describe(StructType schema) {
        return Arrays.stream(schema.fields()).map(f -> f.name() + " " + f.dataType().simpleString())
                .collect(Collectors.joining(", "));
    }

    /** A catalog call on {@code --output-table}. */
    private interface OnTable<T> {
        T call() throws AnalysisException;
    }

    /**
     * {@code action}, with Spark's analysis errors (a name that does not parse, an unknown database) as user errors,
     * and files in the new table's place (those of a table an earlier run's in-memory catalog forgot); the message
     * is the first line of Spark's.
     */
    private static <T> T onTable(String table, OnTable<T> action) {
        try {
            return action.call();
        } catch (AnalysisException a) {
            throw new UserError("cannot write table " + table + ": " + firstLine(a.getSimpleMessage()));
        } catch (SparkRuntimeException e) {
            if ("LOCATION_ALREADY_EXISTS".equals(e.getCondition())) {
                throw new UserError("cannot write table " + table + ": " + firstLine(e.getMessage()));
            }
            throw e;
        }
    }

    private static String firstLine(String message) {
        return message.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(message);
    }
}
