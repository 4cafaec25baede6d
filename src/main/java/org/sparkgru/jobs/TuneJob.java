package org.sparkgru.jobs;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgru.config.SearchStrategy;
import org.sparkgru.config.TuningMetric;
import org.sparkgru.io.Locations;
import org.sparkgru.ml.Leaderboard;
import org.sparkgru.ml.SearchSpace;
import org.sparkgru.ml.Tuning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jobs/tune.sh}: a hyper-parameter search over configuration keys ({@link Tuning}). Every trial's
 * configuration is built and validated before Spark starts; the trials train concurrently under Spark's FAIR
 * scheduler into {@code MODEL/tuning/trials/NNN}, the leaderboard is written to {@code MODEL/tuning}, and the best
 * trial becomes the model at {@code MODEL}, which {@code jobs/forecast.sh} reads like any trained model.
 */
@Command(name = "tune.sh", mixinStandardHelpOptions = true,
        description = "Search hyper-parameters: train one model per trial, keep the best on the validation tail.")
public final class TuneJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TuneJob.class);

    @Mixin
    InputOptions in = new InputOptions();

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Model directory to write: the best trial's model, and tuning/ with every trial.")
    String model;

    @Option(names = "--config", paramLabel = "FILE", description = "HOCON configuration file (see conf/train.conf).")
    File config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one configuration key in every trial"
            + " (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--space", paramLabel = "FILE", description = "HOCON search space: key = [values] or"
            + " key = {min = .., max = .., scale = linear|log}.")
    File space;

    @Option(names = "--grid", paramLabel = "KEY=VALUES", description = "One searched key, e.g. 'model.hidden=[16, 32]'"
            + " (repeatable; replaces the --space entry of that key).")
    List<String> grids = new ArrayList<>();

    @Option(names = "--strategy", paramLabel = "grid|random", description = "grid (default) or random.")
    String strategy = "grid";

    @Option(names = "--trials", paramLabel = "N", description = "The trial budget (default: the whole grid;"
            + " 10 random draws).")
    Integer trials;

    @Option(names = "--metric", paramLabel = "METRIC", description = "mase (default), smape, mae or rmse: the"
            + " validation-tail metric that ranks the trials, lower first.")
    String metric = "mase";

    @Option(names = "--parallel", paramLabel = "P", description = "Trials at once (default: the cores over each"
            + " trial's partitions, at least 2).")
    Integer parallel;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random strategy (default 1).")
    long seed = 1;

    @Option(names = "--overwrite", description = "Replace a complete model (and an earlier search) in --model.")
    boolean overwrite;

    public static void main(String[] args) {
        System.exit(JobRunner.run(new TuneJob(), args));
    }

    @Override
    public Integer call() throws IOException {
        Tuning.Plan plan = plan();
        Configuration conf = Locations.hadoopConfiguration();
        Locations.requireWritableDirectory(model, "--model", conf);
        in.requireInput(conf);
        try (JobSession session = in.session("spark-gru tune", Map.of("spark.scheduler.mode", "FAIR"))) {
            System.out.println(run(session.spark(), plan).summary());
            return 0;
        }
    }

    /** The validated trials: options, space and every trial's configuration, before Spark starts. */
    Tuning.Plan plan() {
        Tuning.Options options = new Tuning.Options(SearchStrategy.parse(strategy), trials,
                TuningMetric.parse("--metric", metric), parallel, seed);
        Tuning.Plan plan = Tuning.plan(config, sets, SearchSpace.parse(space, grids), options);
        LOG.info("base configuration:\n{}\n{} trials: {}", plan.base().render(), plan.trials().size(),
                plan.trials().stream().map(Tuning.Trial::describe).toList());
        return plan;
    }

    Leaderboard run(SparkSession spark, Tuning.Plan plan) throws IOException {
        return Tuning.run(spark, plan, in.read(spark, plan.base().data().timeZone()), model, overwrite);
    }
}
