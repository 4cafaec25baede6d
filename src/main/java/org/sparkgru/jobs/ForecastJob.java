package org.sparkgru.jobs;

import org.sparkgru.ml.Forecasting;
import org.sparkgru.ml.ModelInput;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgru.config.Fallback;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.model.GruModel;
import org.sparkgru.config.FileFormat;
import org.sparkgru.io.AtomicFiles;
import org.sparkgru.io.HadoopFiles;
import org.sparkgru.io.Locations;
import org.sparkgru.model.ModelStore;
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
 * {@code forecasts/} (Parquet, or CSV; columns series, time, step, forecast, and source under a fallback),
 * {@code summary.json} (counts, every series that could not be forecast with the reason, and the series forecast
 * by a baseline), and {@code _SUCCESS}, written last.
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

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output directory.")
    String output;

    @Option(names = "--output-format", paramLabel = "FORMAT", defaultValue = "parquet",
            description = "Output format: parquet or csv (default: ${DEFAULT-VALUE}).")
    String outputFormat;

    @Option(names = "--as-of", paramLabel = "TIME",
            description = "Forecast from the history at or before this time (ISO timestamp, date, or index).")
    String asOf;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a data.* or forecast.* key of the model's configuration.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--overwrite", description = "Replace an existing output directory.")
    boolean overwrite;

    @Option(names = "--max-failed-fraction", paramLabel = "F", defaultValue = FailureThreshold.DEFAULT,
            description = "Largest share of series that may be left out before the run fails (default: ${DEFAULT-VALUE}).")
    double maxFailedFraction;

    public static void main(String[] args) {
        System.exit(JobRunner.run(new ForecastJob(), args));
    }

    @Override
    public Integer call() throws IOException {
        FileFormat.parse("--output-format", outputFormat, FileFormat.OUTPUT);
        FailureThreshold.validate(maxFailedFraction);
        org.apache.hadoop.conf.Configuration conf = Locations.hadoopConfiguration();
        Locations.requireCompleteModel(model, conf);
        GruModel m = ModelStore.load(model, conf);
        TrainConfig cfg = config(m);
        Locations.requireWritableDirectory(output, "--output", conf);
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
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        FileSystem fs = HadoopFiles.of(new Path(output), sc.hadoopConfiguration());
        Path out = fs.makeQualified(new Path(output));
        FileFormat format = FileFormat.parse("--output-format", outputFormat, FileFormat.OUTPUT);
        ObjectNode summary = AtomicFiles.writeDirectory(fs, out, overwrite, "output", "--output", staging -> {
            Forecasting.Forecasts f = Forecasting.forecast(spark, m, model, cfg, in.read(spark, cfg.data().timeZone()), asOf);
            var writer = f.forecasts().write().mode("errorifexists");
            if (format == FileFormat.CSV) {
                // times as ISO 8601 with the offset of data.timeZone (dates stay dates, indices integers);
                // Spark's default adds milliseconds and uses the session's time zone
                writer = writer.option("header", "true").option("timestampFormat", "yyyy-MM-dd'T'HH:mm:ssXXX")
                        .option("timeZone", cfg.data().timeZone().getId());
            }
            writer.format(format.id()).save(new Path(staging, "forecasts").toString());
            var written = spark.read().format(format.id()).option("header", "true")
                    .load(new Path(staging, "forecasts").toString());
            long forecastSeries = written.select("series").distinct().count();
            List<String[]> problems = f.problems();
            FailureThreshold.check("forecast", forecastSeries, problems, maxFailedFraction);
            ObjectNode s = JSON.createObjectNode();
            s.put("model", model);
            s.put("asOf", asOf);
            s.put("horizon", cfg.model().horizon());
            s.put("forecastSeries", forecastSeries);
            s.put("notForecast", problems.size());
            Fallback fallback = cfg.forecast().fallback();
            s.put("fallback", fallback.id());
            ArrayNode byBaseline = s.putArray("fallbackSeries");
            if (fallback != Fallback.NONE) {
                written.where(written.col(Forecasting.SOURCE).notEqual(Fallback.Source.MODEL.label()))
                        .select("series", Forecasting.SOURCE).distinct().orderBy("series").collectAsList()
                        .forEach(r -> byBaseline.addObject().put("series", r.getString(0))
                                .put("source", r.getString(1)));
            }
            ArrayNode list = s.putArray("notForecastSeries");
            problems.stream().sorted((a, b) -> a[0].compareTo(b[0])).forEach(p -> list.addObject()
                    .put("series", p[0]).put("reason", p[1]));
            AtomicFiles.writeFile(fs, new Path(staging, "summary.json"),
                    o -> o.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(s)));
            return s;
        });
        LOG.info("forecast summary: {}", summary);
        String byBaseline = summary.get("fallback").asText().equals(Fallback.NONE.id()) ? ""
                : ", " + summary.get("fallbackSeries").size() + " of them by a baseline (forecast.fallback = "
                + summary.get("fallback").asText() + ")";
        return "forecasts of " + summary.get("forecastSeries").asLong() + " series written to " + out
                + "/forecasts" + byBaseline + " (" + summary.get("notForecast").asInt()
                + " series could not be forecast: see " + out + "/summary.json)";
    }
}
