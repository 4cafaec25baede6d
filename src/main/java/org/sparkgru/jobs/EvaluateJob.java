package org.sparkgru.jobs;

import org.sparkgru.ml.Evaluation;
import org.sparkgru.ml.ModelInput;
import org.sparkgru.UserError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.model.GruModel;
import org.sparkgru.io.AtomicFiles;
import org.sparkgru.io.HadoopFiles;
import org.sparkgru.io.Locations;
import org.sparkgru.model.ModelStore;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jobs/evaluate.sh}: a rolling-origin backtest of a trained model against naive and seasonal-naive
 * forecasts on the same windows ({@link Evaluation}). Prints the overall table; with {@code --report DIR} also writes
 * {@code metrics/} (Parquet, one row per series: origins, points, and MAE, RMSE, MAPE, sMAPE, MASE per method),
 * {@code summary.json} (overall metrics per method, the season, the series that could not be evaluated),
 * {@code report.html} (charts and tables) and {@code _SUCCESS}, written last. Overall MAE, RMSE, MAPE and sMAPE pool every forecast point; overall MASE is the mean of the
 * series' MASE.
 *
 * <p>With {@code --against OLD} the backtest is a champion/challenger comparison ({@link Evaluation#compare}): both
 * models on the same series and origins, side by side as the methods {@code model} and {@code against}; with
 * {@code --require-better METRIC} the job exits with {@value #NOT_BETTER} when the new model's overall metric is not
 * lower than the old one's, so that a pipeline can refuse to promote it (the report is complete either way).
 */
@Command(name = "evaluate.sh", mixinStandardHelpOptions = true,
        description = "Backtest a spark-gru model against naive and seasonal-naive forecasts.")
public final class EvaluateJob implements Callable<Integer> {
    /** Exit status of a complete champion/challenger evaluation whose new model is not better. */
    public static final int NOT_BETTER = 3;

    @Mixin
    InputOptions in = new InputOptions();

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory.")
    String model;

    @Option(names = "--origins", paramLabel = "K", defaultValue = "1",
            description = "Rolling origins, each one horizon apart (default: ${DEFAULT-VALUE}).")
    int origins;

    @Option(names = "--season", paramLabel = "M",
            description = "Season length for seasonal naive and MASE (default: from the frequency: 24 hourly, 7 daily, 12 monthly...).")
    Integer season;

    @Option(names = "--report", paramLabel = "DIR", description = "Write per-series metrics and a summary here.")
    String report;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a data.* key of the model's configuration.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--overwrite", description = "Replace an existing report directory.")
    boolean overwrite;

    @Option(names = "--against", paramLabel = "DIR",
            description = "A second model (the champion) to backtest on the same series and origins, side by side.")
    String against;

    @Option(names = "--require-better", paramLabel = "METRIC",
            description = "With --against: exit with status 3 unless the --model's overall METRIC (MAE, RMSE, MAPE,"
                    + " sMAPE or MASE) is lower than the --against model's.")
    String requireBetter;

    @Option(names = "--max-failed-fraction", paramLabel = "F", defaultValue = FailureThreshold.DEFAULT,
            description = "Largest share of series that may be left out before the run fails (default: ${DEFAULT-VALUE}).")
    double maxFailedFraction;

    @picocli.CommandLine.Mixin
    IntervalOptions intervalOptions = new IntervalOptions();

    /** The {@code --against} model and its configuration, loaded before Spark starts. */
    private GruModel champion;
    private TrainConfig championCfg;

    public static void main(String[] args) {
        System.exit(JobRunner.run(new EvaluateJob(), args));
    }

    @Override
    public Integer call() throws IOException {
        if (origins < 1 || origins > 1000) {
            throw new UserError("--origins " + origins + " is out of range; allowed 1 to 1000");
        }
        if (season != null && season < 1) {
            throw new UserError("--season " + season + " must be at least 1");
        }
        FailureThreshold.validate(maxFailedFraction);
        intervalOptions.intervals();
        org.apache.hadoop.conf.Configuration conf = Locations.hadoopConfiguration();
        Locations.requireCompleteModel(model, conf);
        GruModel m = ModelStore.load(model, conf);
        TrainConfig cfg = ModelInput.config(m, model, sets);
        String metric = requireBetter == null ? null : metric(requireBetter);
        if (against != null) {
            champion = ModelStore.load(against, conf);
            championCfg = ModelInput.config(champion, against, sets);
            comparable(cfg, championCfg);
        }
        if (report != null) {
            Locations.requireWritableDirectory(report, "--report", conf);
        }
        in.requireInput(conf);
        try (JobSession session = in.session("spark-gru evaluate")) {
            ObjectNode summary = run(session.spark(), m, cfg);
            System.out.println(summary.toPrettyString());
            return metric == null ? 0 : verdict(summary, metric);
        }
    }

    /** {@code --require-better}'s metric as {@code summary.json} names it; a user error without --against. */
    private String metric(String name) {
        if (against == null) {
            throw new UserError("--require-better compares the --model with the model given with --against; pass"
                    + " --against DIR, or drop --require-better");
        }
        return Evaluation.metric(name, "--require-better");
    }

    /** Two models compare on one input only when they forecast the same target over the same horizon. */
    private void comparable(TrainConfig mine, TrainConfig theirs) {
        if (mine.model().horizon() != theirs.model().horizon()) {
            throw new UserError("--against " + against + " forecasts " + theirs.model().horizon() + " steps and --model "
                    + model + " " + mine.model().horizon() + "; champion and challenger need the same model.horizon");
        }
        List<String> a = List.of(mine.data().id(), mine.data().time(), mine.data().target());
        List<String> b = List.of(theirs.data().id(), theirs.data().time(), theirs.data().target());
        if (!a.equals(b)) {
            throw new UserError("--against " + against + " was trained on the columns (id, time, target) = " + b
                    + " and --model " + model + " on " + a + "; champion and challenger must forecast the same target"
                    + " of the same table");
        }
    }

    /**
     * 0 when the new model's overall {@code metric} is lower than the old one's, else {@value #NOT_BETTER}; one line
     * on stderr either way, for the pipeline's log.
     */
    private int verdict(ObjectNode summary, String metric) {
        JsonNode mine = summary.at("/overall/model/" + metric);
        JsonNode theirs = summary.at("/overall/against/" + metric);
        if (!mine.isNumber() || !theirs.isNumber()) {
            throw new UserError("--require-better " + metric + ": the metric is undefined on these series (MAPE needs"
                    + " non-zero actual values); choose another metric");
        }
        boolean better = mine.asDouble() < theirs.asDouble();
        System.err.printf("%s %s: --model %s, --against %s on %d series%n", metric, better ? "is better"
                : "is not better", fmt(mine.asDouble()), fmt(theirs.asDouble()), summary.get("evaluatedSeries").asInt());
        return better ? 0 : NOT_BETTER;
    }

    private static String fmt(double v) {
        return String.format("%.5g", v);
    }

    /** Runs the backtest and returns the summary. */
    ObjectNode run(SparkSession spark, GruModel m, TrainConfig cfg) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        if (report == null) {
            return checked(backtest(spark, m, cfg, null));
        }
        FileSystem fs = HadoopFiles.of(new Path(report), sc.hadoopConfiguration());
        return AtomicFiles.writeDirectory(fs, new Path(report), overwrite, "report", "--report", staging ->
                checked(backtest(spark, m, cfg, staging)));
    }

    private ObjectNode backtest(SparkSession spark, GruModel m, TrainConfig cfg, Path out) throws IOException {
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> df = in.read(spark, cfg.data().timeZone());
        var intervals = intervalOptions.intervals();
        return champion == null ? Evaluation.backtest(spark, m, model, cfg, df, origins, season, intervals, out)
                : Evaluation.compare(spark, m, model, cfg, champion, against, championCfg, df, origins, season,
                intervals, out);
    }

    /** The summary, when few enough series were left out ({@link FailureThreshold}). */
    private ObjectNode checked(ObjectNode summary) {
        List<String[]> problems = new ArrayList<>();
        summary.get("notEvaluatedSeries").forEach(p -> problems.add(new String[] {p.get("series").asText(),
                p.get("reason").asText()}));
        FailureThreshold.check("evaluated", summary.get("evaluatedSeries").asLong(), problems, maxFailedFraction);
        return summary;
    }
}
