package org.sparkgru.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigValue;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgru.UserError;
import org.sparkgru.config.ConfigError;
import org.sparkgru.config.SearchStrategy;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.config.TuningMetric;
import org.sparkgru.io.AtomicFiles;
import org.sparkgru.io.DirectoryLock;
import org.sparkgru.io.ModelDirectory;

/**
 * The hyper-parameter search behind {@code jobs/tune.sh}: every trial is a whole training ({@link Training#train},
 * the pipeline of {@code jobs/train.sh}) into {@code MODEL/tuning/trials/NNN}, scored by the backtest of its
 * validation tail that the training writes anyway, so a trial's score is the figure its own report shows. Trials
 * run concurrently as Spark jobs from a thread pool, each thread in its own FAIR scheduler pool. The leaderboard
 * goes to {@code MODEL/tuning/leaderboard.json} and {@code report.html}, and the best trial's model becomes the
 * model at {@code MODEL}, with {@code _SUCCESS} written last.
 *
 * <p>Rolling origins are not offered: a trial's model was trained on every point before its validation tail, so
 * an earlier origin would score it on data it was fitted to; an honest rolling-origin score needs one training per
 * origin.
 */
public final class Tuning {
    private static final Logger LOG = LoggerFactory.getLogger(Tuning.class);
    /** The directory under {@code MODEL} with the trials and the leaderboard. */
    public static final String TUNING = "tuning";
    /** The job group of a trial's Spark jobs, so that they can be cancelled together. */
    private static final String GROUP = "spark-gru-tuning-trial-";

    private Tuning() {
    }

    /**
     * How the search runs.
     *
     * @param strategy grid or random
     * @param trials   the budget, or null (the whole grid; 10 random draws)
     * @param metric   what ranks the trials, lower first
     * @param parallel trials at once, or null for {@link #parallelism}
     * @param seed     the random strategy's seed
     */
    public record Options(SearchStrategy strategy, Integer trials, TuningMetric metric, Integer parallel, long seed) {
        public Options {
            if (trials != null && (trials < 1 || trials > 10_000)) {
                throw new ConfigError("--trials " + trials + " is out of range; allowed 1 to 10000");
            }
            if (parallel != null && (parallel < 1 || parallel > 256)) {
                throw new ConfigError("--parallel " + parallel + " is out of range; allowed 1 to 256");
            }
        }
    }

    /** One trial: its number (from 1), its overrides of the search space and its validated configuration. */
    public record Trial(int number, Map<String, ConfigValue> overrides, TrainConfig config) {
        /** {@code key=value, key=value}. */
        public String describe() {
            return String.join(", ", SearchSpace.render(overrides));
        }
    }

    /** The trials of a search, validated, the configuration they share, and how to run them. */
    public record Plan(TrainConfig base, List<Trial> trials, Options options) {
    }

    /**
     * Builds every trial's configuration ({@code config} and {@code sets} under the trial's overrides) and
     * validates it through {@link TrainConfig}, before Spark starts. A bad value is one {@link ConfigError} naming
     * the key and the value, and where the space gave it.
     */
    public static Plan plan(File config, List<String> sets, SearchSpace space, Options options) {
        TrainConfig base = TrainConfig.load(config, sets);
        if (space.isEmpty()) {
            throw new ConfigError("the search space is empty; give --space FILE or --grid 'key=[v1, v2]'");
        }
        for (SearchSpace.Dimension d : space.dimensions()) {
            if (d.key().equals("data.timeZone")) {
                throw new ConfigError(d.origin() + ": data.timeZone decides how the input is read, once for every"
                        + " trial; set it with --set");
            }
            List<ConfigValue> values = d.values() != null ? d.values()
                    : List.of(d.range().at(0), d.range().at(Math.nextDown(1.0)));
            for (ConfigValue v : values) {
                Map<String, ConfigValue> one = Map.of(d.key(), v);
                try {
                    TrainConfig.load(config, with(sets, one));
                } catch (ConfigError e) {
                    throw new ConfigError(d.origin() + ": " + SearchSpace.render(one).get(0) + ": " + e.getMessage());
                }
            }
        }
        List<Trial> trials = new ArrayList<>();
        for (Map<String, ConfigValue> o : space.expand(options.strategy(), options.trials(), options.seed())) {
            int n = trials.size() + 1;
            try {
                trials.add(new Trial(n, o, TrainConfig.load(config, with(sets, o))));
            } catch (ConfigError e) {
                throw new ConfigError("trial " + n + " (" + String.join(", ", SearchSpace.render(o)) + "): "
                        + e.getMessage());
            }
        }
        return new Plan(base, trials, options);
    }

    private static List<String> with(List<String> sets, Map<String, ConfigValue> overrides) {
        List<String> all = new ArrayList<>(sets);
        all.addAll(SearchSpace.render(overrides));
        return all;
    }

    /**
     * The default number of trials at once: as many as the cores hold trials' gradient tasks (the default
     * parallelism over the largest trial's {@code data.partitions}, 0 counting as the default parallelism), but at
     * least two, since one training leaves the executors idle while its driver averages, steps and validates, and
     * at most the number of trials.
     */
    public static int parallelism(List<Trial> trials, int cores) {
        int tasks = 1;
        for (Trial t : trials) {
            int p = t.config().data().partitions();
            tasks = Math.max(tasks, p > 0 ? p : cores);
        }
        return Math.max(1, Math.min(trials.size(), Math.max(2, cores / tasks)));
    }

    /**
     * Runs the plan on {@code df} into {@code model}: the trials, the leaderboard, and the best trial's model at
     * {@code model}. A trial that fails on a {@link UserError} (its configuration does not fit the data) is
     * recorded with its message and the search goes on; when every trial fails, the leaderboard is written and
     * the search stops with a {@link UserError}. Any other failure cancels the running trials and is rethrown.
     */
    public static Leaderboard run(SparkSession spark, Plan plan, Dataset<Row> df, String model, boolean overwrite)
            throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ModelDirectory dir = ModelDirectory.of(model, sc.hadoopConfiguration());
        try (DirectoryLock lock = dir.lock()) {
            if (!overwrite && dir.isComplete()) {
                throw new UserError("model directory " + dir.root() + " already holds a complete model; choose"
                        + " another --model, or pass --overwrite to replace it");
            }
            if (!overwrite && dir.hasContent()) {
                throw new UserError("model directory " + dir.root() + " holds an unfinished training or search;"
                        + " pass --overwrite to start again");
            }
            Path tuning = new Path(dir.root(), TUNING);
            dir.fs().delete(tuning, true); // an earlier search's trials; the old model stays until the best replaces it
            int parallel = plan.options().parallel() != null ? plan.options().parallel()
                    : parallelism(plan.trials(), sc.defaultParallelism());
            if (!"FAIR".equals(sc.getConf().get("spark.scheduler.mode", "FIFO"))) {
                LOG.warn("the Spark session schedules FIFO, not FAIR: concurrent trials take the cores in turn");
            }
            LOG.info("{} trials, {} at once, ranked by validation-tail {}", plan.trials().size(), parallel,
                    plan.options().metric().field());
            // the input rows are read once for every trial; a caller's own cache is left as it is
            boolean cached = df.storageLevel().useMemory() || df.storageLevel().useDisk();
            Dataset<Row> input = cached ? df : df.persist(StorageLevel.MEMORY_AND_DISK());
            List<Leaderboard.Entry> entries;
            try {
                entries = trials(spark, sc, plan.trials(), input, tuning, parallel);
            } finally {
                if (!cached) {
                    input.unpersist();
                }
            }
            Leaderboard board = new Leaderboard(dir.root().toString(), plan.options(), parallel, entries);
            board.write(dir.fs(), tuning);
            Leaderboard.Entry best = board.best();
            if (best == null) {
                throw new UserError(board.noBestReason() + "; the leaderboard is in " + new Path(tuning,
                        Leaderboard.JSON_FILE));
            }
            lock.ensureHeld("the best trial's model");
            install(dir, new Path(tuning, best.directory()));
            return board;
        }
    }

    /** Runs the trials, {@code parallel} at once, and returns their entries in trial order. */
    private static List<Leaderboard.Entry> trials(SparkSession spark, JavaSparkContext sc, List<Trial> trials,
                                                  Dataset<Row> df, Path tuning, int parallel) throws IOException {
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "spark-gru tuning " + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        CompletionService<Leaderboard.Entry> done = new ExecutorCompletionService<>(pool);
        for (Trial t : trials) {
            done.submit(() -> trial(spark, sc, t, df, tuning));
        }
        pool.shutdown();
        List<Leaderboard.Entry> entries = new ArrayList<>();
        try {
            // in the order they finish, so that an internal error stops the others at once
            for (int i = 0; i < trials.size(); i++) {
                entries.add(done.take().get());
            }
            entries.sort(Comparator.comparingInt(e -> e.trial().number()));
        } catch (ExecutionException e) {
            pool.shutdownNow();
            trials.forEach(t -> sc.cancelJobGroup(GROUP + t.number()));
            awaitQuietly(pool);
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("trial failed", e.getCause());
        } catch (InterruptedException e) {
            pool.shutdownNow();
            trials.forEach(t -> sc.cancelJobGroup(GROUP + t.number()));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the trials", e);
        }
        return entries;
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One trial on the calling pool thread: its Spark jobs in the FAIR pool of this thread and in the trial's job
     * group; a {@link UserError} becomes a failed entry.
     */
    private static Leaderboard.Entry trial(SparkSession spark, JavaSparkContext sc, Trial t, Dataset<Row> df,
                                           Path tuning) throws IOException {
        String name = String.format("trials/%03d", t.number());
        sc.setLocalProperty("spark.scheduler.pool", Thread.currentThread().getName().replace(' ', '-'));
        sc.setJobGroup(GROUP + t.number(), "spark-gru tuning trial " + t.number(), false);
        long started = System.nanoTime();
        LOG.info("trial {} ({}) starts", t.number(), t.describe());
        try {
            Training.TrainingRun run = Training.train(spark, t.config(), df, new Path(tuning, name).toString(),
                    false, false, null);
            double seconds = (System.nanoTime() - started) / 1e9;
            Leaderboard.Entry e = Leaderboard.Entry.of(t, name, run, seconds);
            LOG.info("trial {} ({}) done in {} s: validation-tail MASE {}", t.number(), t.describe(),
                    String.format("%.1f", seconds), String.format("%.4g", e.metric(TuningMetric.MASE)));
            return e;
        } catch (UserError e) {
            LOG.warn("trial {} ({}) failed: {}", t.number(), t.describe(), e.getMessage());
            return Leaderboard.Entry.failed(t, name, e.getMessage(), (System.nanoTime() - started) / 1e9);
        } finally {
            sc.clearJobGroup();
            sc.setLocalProperty("spark.scheduler.pool", null);
        }
    }

    /**
     * Makes the trial at {@code from} the model at {@code dir}: the previous model's files (not the search) are
     * removed, the trial's files copied in (not its checkpoints, which only a resumed training needs), and
     * {@code _SUCCESS} is written last.
     */
    private static void install(ModelDirectory dir, Path from) throws IOException {
        FileSystem fs = dir.fs();
        dir.clearComplete();
        for (FileStatus st : fs.listStatus(dir.root(), p -> !p.getName().equals(DirectoryLock.NAME)
                && !p.getName().equals(TUNING))) {
            fs.delete(st.getPath(), true);
        }
        for (FileStatus st : fs.listStatus(from, p -> !p.getName().equals(DirectoryLock.NAME)
                && !p.getName().equals(AtomicFiles.SUCCESS) && !p.getName().equals(ModelDirectory.CHECKPOINTS))) {
            FileUtil.copy(fs, st.getPath(), fs, new Path(dir.root(), st.getPath().getName()), false,
                    fs.getConf());
        }
        dir.markComplete();
    }

    /** The model metric of a backtest summary's {@code overall} table, NaN when missing. */
    static double overall(JsonNode report, String method, String field) {
        JsonNode v = report.path("overall").path(method).path(field);
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }
}
