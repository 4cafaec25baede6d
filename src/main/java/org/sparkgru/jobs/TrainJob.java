package org.sparkgru.jobs;

import org.sparkgru.ml.ModelInput;
import org.sparkgru.ml.Training;
import org.sparkgru.ml.WarmStart;
import org.sparkgru.UserError;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.hadoop.conf.Configuration;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.io.Locations;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jobs/train.sh}: trains a GRU forecaster on a long-format table and writes a model directory.
 *
 * <p>Order of work: configuration (validated before Spark starts), the model directory check, reading and
 * assembling the series (data errors stop the job with examples), training, then the model files, the scaler
 * table, the backtest of the validation tail ({@code report/}: metrics against naive and seasonal naive,
 * {@code report.html}), and {@code _SUCCESS} last. The model directory holds {@code model.json}, {@code weights.safetensors},
 * {@code scalers/} (Parquet: id, mean, scale, start, frequency, length, featureMean, featureScale), {@code metrics.jsonl}, {@code checkpoints/} and
 * {@code _SUCCESS}.
 */
@Command(name = "train.sh", mixinStandardHelpOptions = true,
        description = "Train a GRU forecaster on a long-format time-series table.")
public final class TrainJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

    @Mixin
    InputOptions in = new InputOptions();

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory to write.")
    String model;

    @Option(names = "--config", paramLabel = "FILE", description = "HOCON configuration file (see conf/train.conf).")
    File config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one configuration key (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--resume", description = "Continue from the newest checkpoint in the model directory.")
    boolean resume;

    @Option(names = "--overwrite", description = "Replace a complete model in the model directory.")
    boolean overwrite;

    @Option(names = "--init-from", paramLabel = "DIR",
            description = "Start from this previous model's weights (same architecture) instead of a fresh"
                    + " initialization.")
    String initFrom;

    @Option(names = "--keep-scalers", description = "With --init-from: keep the parent's scalers for the series it"
            + " was trained on instead of refitting them on the new data.")
    boolean keepScalers;

    private WarmStart warm;

    public static void main(String[] args) {
        System.exit(JobRunner.run(new TrainJob(), args));
    }

    @Override
    public Integer call() throws IOException {
        TrainConfig cfg = TrainConfig.load(config, sets);
        Configuration conf = Locations.hadoopConfiguration();
        Locations.requireWritableDirectory(model, "--model", conf);
        if (keepScalers && initFrom == null) {
            throw new UserError("--keep-scalers keeps the scalers of the model given with --init-from; pass"
                    + " --init-from DIR, or drop --keep-scalers");
        }
        if (warmStart(conf) != null) {
            warm.inherit(cfg); // a bad --init-from, or another architecture, stops the job before Spark starts
        }
        in.requireInput(conf);
        LOG.info("configuration: {}", cfg.digest());
        LOG.debug("effective configuration:\n{}", cfg.render());
        try (JobSession session = in.session("spark-gru train")) {
            Training.TrainingRun r = run(session.spark(), cfg);
            System.out.println(r.summary());
            return 0;
        }
    }

    Training.TrainingRun run(SparkSession spark, TrainConfig cfg) throws IOException {
        return Training.train(spark, cfg, in.read(spark, cfg.data().timeZone()), model, resume, overwrite,
                warmStart(spark.sparkContext().hadoopConfiguration()));
    }

    /** The model of {@code --init-from}, loaded once; null without it. */
    private WarmStart warmStart(Configuration conf) throws IOException {
        if (warm == null && initFrom != null) {
            warm = WarmStart.load(initFrom, keepScalers, conf);
        }
        return warm;
    }
}
