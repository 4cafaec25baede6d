package org.sparkgru.jobs;

import org.sparkgru.ml.Evaluation;
import org.sparkgru.ml.ModelInput;
import org.sparkgru.UserError;
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
 */
@Command(name = "evaluate.sh", mixinStandardHelpOptions = true,
        description = "Backtest a spark-gru model against naive and seasonal-naive forecasts.")
public final class EvaluateJob implements Callable<Integer> {

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

    @Option(names = "--max-failed-fraction", paramLabel = "F", defaultValue = FailureThreshold.DEFAULT,
            description = "Largest share of series that may be left out before the run fails (default: ${DEFAULT-VALUE}).")
    double maxFailedFraction;

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
        org.apache.hadoop.conf.Configuration conf = Locations.hadoopConfiguration();
        Locations.requireCompleteModel(model, conf);
        GruModel m = ModelStore.load(model, conf);
        TrainConfig cfg = ModelInput.config(m, model, sets);
        if (report != null) {
            Locations.requireWritableDirectory(report, "--report", conf);
        }
        in.requireInput(conf);
        try (JobSession session = in.session("spark-gru evaluate")) {
            System.out.println(run(session.spark(), m, cfg).toPrettyString());
            return 0;
        }
    }

    /** Runs the backtest and returns the summary. */
    ObjectNode run(SparkSession spark, GruModel m, TrainConfig cfg) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        if (report == null) {
            return checked(Evaluation.backtest(spark, m, model, cfg, in.read(spark, cfg.data().timeZone()), origins, season, null));
        }
        FileSystem fs = HadoopFiles.of(new Path(report), sc.hadoopConfiguration());
        return AtomicFiles.writeDirectory(fs, new Path(report), overwrite, "report", "--report", staging ->
                checked(Evaluation.backtest(spark, m, model, cfg, in.read(spark, cfg.data().timeZone()), origins, season, staging)));
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
