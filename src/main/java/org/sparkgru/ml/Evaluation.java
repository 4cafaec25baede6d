package org.sparkgru.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkgru.UserError;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.data.Scaler;
import org.sparkgru.data.Series;
import org.sparkgru.forecasting.Backtest;
import org.sparkgru.config.ConformalIntervals;
import org.sparkgru.io.AtomicFiles;
import org.sparkgru.io.HadoopFiles;
import org.sparkgru.io.ModelDirectory;
import org.sparkgru.metrics.ErrorSums;
import org.sparkgru.metrics.QuantileSums;
import org.sparkgru.model.GruModel;
import org.sparkgru.reporting.HtmlReport;

/**
 * The rolling-origin backtest behind {@code jobs/evaluate.sh} and the training job's validation-tail report: the
 * model against naive and seasonal-naive forecasts on the same windows ({@link Backtest}), summarized overall and
 * per series with the metrics of {@link ErrorSums}, with {@link HtmlReport}.
 */
public final class Evaluation {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Evaluation.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Evaluation() {
    }

    /**
     * The evaluation job's backtest: reads {@code df} for the model ({@link ModelInput#prepare}) and runs
     * {@link #run}; the per-series metrics keep the input's id column, its name and type.
     */
    public static ObjectNode backtest(SparkSession spark, GruModel m, String modelDir, TrainConfig cfg, Dataset<Row> df,
                                      int origins, Integer season, ConformalIntervals intervals, Path out)
            throws IOException {
        requireOwnName(cfg, Backtest.METHODS, out);
        return run(spark, ModelInput.prepare(spark, m, modelDir, cfg, df, null), null, modelDir, null,
                cfg.model().horizon(), origins, season, intervals, out);
    }

    /** The summary's name of the metric {@code name} (any case); a user error naming {@code option} if none. */
    public static String metric(String name, String option) {
        for (String n : ErrorSums.NAMES) {
            if (n.equalsIgnoreCase(name)) {
                return n;
            }
        }
        throw new UserError(option + " '" + name + "' is not a metric; choose " + String.join(", ", ErrorSums.NAMES));
    }

    /**
     * A champion/challenger backtest ({@code evaluate.sh --model NEW --against OLD}): {@code m} and {@code old} on
     * the same series and origins of {@code df}, each reading it as it was trained, with the baselines; the summary's
     * {@code overall} and the per-series metrics hold the method {@code against} beside {@code model}, on the series
     * both could evaluate.
     */
    public static ObjectNode compare(SparkSession spark, GruModel m, String modelDir, TrainConfig cfg, GruModel old,
                                     String oldDir, TrainConfig oldCfg, Dataset<Row> df, int origins, Integer season,
                                     ConformalIntervals intervals, Path out) throws IOException {
        requireOwnName(cfg, Backtest.METHODS_AGAINST, out);
        return run(spark, ModelInput.prepare(spark, m, modelDir, cfg, df, null),
                ModelInput.prepare(spark, old, oldDir, oldCfg, df, null), modelDir, oldDir, cfg.model().horizon(),
                origins, season, intervals, out);
    }

    /**
     * The backtest of {@code in}'s series, shared by the evaluation job and the training job (which scores its
     * validation tail on the series it trained on): returns the summary and, with a report directory, writes
     * {@code metrics/}, {@code summary.json}, {@code report.html} and {@code _SUCCESS} there.
     *
     * @param season the season of seasonal naive and MASE; null: the grid's ({@code TimeGrid#season})
     */
    static ObjectNode run(SparkSession spark, ModelInput in, String modelDir, int horizon, int origins,
                          Integer season, Path out) throws IOException {
        return run(spark, in, null, modelDir, null, horizon, origins, season, null, out);
    }

    /** {@link #run} with {@code against}, the other model's reading of the same input, when it is not null. */
    private static ObjectNode run(SparkSession spark, ModelInput in, ModelInput against, String modelDir,
                                  String againstDir, int horizon, int origins, Integer season,
                                  ConformalIntervals intervals, Path out) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Series any = in.series().isEmpty() ? null : in.series().first();
        String frequency = any == null ? "" : any.grid.frequency();
        int m0 = season != null ? season : any == null ? 1 : any.grid.season();
        Backtest test = new Backtest(in.forecaster(), origins, m0, intervals);
        LOG.info("backtesting {} origin(s) of {} steps, season {}: the model{}, naive and seasonal naive", origins,
                horizon, m0, against == null ? "" : ", the --against model");
        List<Backtest.SeriesResult> results = results(sc, in, test);
        Backtest other = against == null ? null : new Backtest(against.forecaster(), origins, m0, null);
        if (against != null) {
            Map<String, String> problems = new HashMap<>();
            against.problems().forEach(p -> problems.put(p[0], p[1]));
            results = Backtest.alongside(results, results(sc, against, other), problems);
        }
        List<String> names = against == null ? Backtest.METHODS : Backtest.METHODS_AGAINST;
        int methods = names.size();
        double[][] levels = test.probabilisticLevels();
        QuantileSums[] pooledQuantiles = new QuantileSums[levels.length];
        for (int k = 0; k < levels.length; k++) {
            pooledQuantiles[k] = levels[k] == null ? null : new QuantileSums(levels[k]);
        }
        ErrorSums[] pooled = new ErrorSums[methods];
        for (int k = 0; k < methods; k++) {
            pooled[k] = new ErrorSums();
        }
        List<Row> rows = new ArrayList<>();
        List<Object[]> bySmape = new ArrayList<>();
        List<String[]> skipped = new ArrayList<>(in.problems());
        int[] beaten = new int[methods]; // series whose model MASE is below the method's
        for (Backtest.SeriesResult r : results) {
            if (r.skipped() != null) {
                skipped.add(new String[] {r.id(), r.skipped()});
                continue;
            }
            ErrorSums[] s = r.sums();
            for (int k = 1; k < methods; k++) {
                if (s[0].mae() < s[k].mae()) {
                    beaten[k]++;
                }
            }
            List<Object> row = new ArrayList<>(List.of(r.id(), origins, (int) s[0].points(),
                    (int) s[0].zeroActuals()));
            for (int k = 0; k < methods; k++) {
                ErrorSums one = new ErrorSums().merge(s[k]);
                one.addMase(s[k].mae(), r.maseScale());
                pooled[k].merge(one);
                double[] mk = one.metrics();
                if (k == 0) {
                    bySmape.add(new Object[] {r.id(), mk[3]});
                }
                for (double v : mk) {
                    row.add(Double.isFinite(v) ? v : null);
                }
            }
            for (int m = 0; m < levels.length; m++) {
                QuantileSums q = r.quantiles()[m];
                if (q == null) {
                    continue;
                }
                pooledQuantiles[m].merge(q);
                row.add(finite(q.wql()));
                for (int k = 0; k < q.intervalCount(); k++) {
                    row.add(finite(q.coverage(k)));
                    row.add(finite(q.msis(k)));
                }
            }
            rows.add(RowFactory.create(row.toArray()));
        }
        ObjectNode summary = JSON.createObjectNode();
        summary.put("model", modelDir);
        if (againstDir != null) {
            summary.put("against", againstDir);
        }
        summary.put("origins", origins);
        summary.put("horizon", horizon);
        summary.put("season", m0);
        summary.put("frequency", frequency);
        summary.put("evaluatedSeries", rows.size());
        summary.put("points", pooled[0].points());
        summary.put("zeroActualsSkippedByMape", pooled[0].zeroActuals());
        ObjectNode overall = summary.putObject("overall");
        for (int k = 0; k < methods; k++) {
            double[] mk = pooled[k].metrics();
            ObjectNode o = overall.putObject(names.get(k));
            for (int i = 0; i < ErrorSums.NAMES.length; i++) {
                putFinite(o, ErrorSums.NAMES[i], mk[i]);
            }
        }
        ObjectNode probabilistic = JSON.createObjectNode();
        for (int m = 0; m < levels.length; m++) {
            if (levels[m] != null) {
                probabilistic.set(Backtest.PROBABILISTIC.get(m), describe(pooledQuantiles[m], levels[m]));
            }
        }
        if (!probabilistic.isEmpty()) {
            summary.set("probabilistic", probabilistic);
        }
        if (intervals != null) {
            summary.put("calibrationOrigins", intervals.calibrationOrigins());
        }
        ObjectNode beats = summary.putObject("modelBeatsSeries");
        for (int k = 1; k < methods; k++) {
            beats.put(names.get(k), beaten[k]);
        }
        in.dropped().putInto(summary);
        summary.put("notEvaluated", skipped.size());
        ArrayNode list = summary.putArray("notEvaluatedSeries");
        skipped.stream().sorted((a, b) -> a[0].compareTo(b[0])).forEach(p -> list.addObject().put("series", p[0])
                .put("reason", p[1]));
        LOG.info("evaluated {} series ({} not evaluated){}", rows.size(), skipped.size(), out == null ? ""
                : "; writing the report");
        if (out != null) {
            FileSystem fs = HadoopFiles.of(out, sc.hadoopConfiguration());
            StructType schema = new StructType().add(in.id().name(), DataTypes.StringType);
            for (StructField f : metrics(names, levels).fields()) {
                schema = schema.add(f);
            }
            JavaRDD<Row> rdd = sc.parallelize(rows, Math.max(1, Math.min(rows.size(), 8)));
            in.id().typed(spark.createDataFrame(rdd, schema)).write().parquet(new Path(out, "metrics").toString());
            AtomicFiles.writeFile(fs, new Path(out, "summary.json"),
                    o -> o.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(summary)));
            List<JsonNode> metrics = ModelDirectory.of(modelDir, sc.hadoopConfiguration()).metricsLines();
            String html = HtmlReport.render("spark-gru backtest of " + modelDir, summary, metrics,
                    curves(in, test, against, other, bySmape));
            AtomicFiles.writeFile(fs, new Path(out, "report.html"),
                    o -> o.write(html.getBytes(StandardCharsets.UTF_8)));
            AtomicFiles.markComplete(fs, out);
        }
        return summary;
    }

    /**
     * The per-series metrics' columns after the id: origins, points, zeroActuals, then each method's metrics, and for
     * each {@link Backtest#PROBABILISTIC} method scored ({@code levels} not null) its {@code <method>_wql} and each
     * central interval's {@code <method>_coverage_80}, {@code <method>_msis_80}.
     */
    private static StructType metrics(List<String> methods, double[][] levels) {
        StructType schema = new StructType().add("origins", DataTypes.IntegerType).add("points", DataTypes.IntegerType)
                .add("zeroActuals", DataTypes.IntegerType);
        for (String method : methods) {
            for (String n : ErrorSums.NAMES) {
                schema = schema.add(method + "_" + n.toLowerCase(), DataTypes.DoubleType);
            }
        }
        for (int m = 0; m < levels.length; m++) {
            if (levels[m] == null) {
                continue;
            }
            String method = Backtest.PROBABILISTIC.get(m);
            QuantileSums q = new QuantileSums(levels[m]);
            schema = schema.add(method + "_wql", DataTypes.DoubleType);
            for (int k = 0; k < q.intervalCount(); k++) {
                schema = schema.add(method + "_coverage_" + q.intervalLabel(k), DataTypes.DoubleType)
                        .add(method + "_msis_" + q.intervalLabel(k), DataTypes.DoubleType);
            }
        }
        return schema;
    }

    /**
     * The summary's {@code quantiles}: the levels, WQL, each level's scaled pinball loss, and each central
     * interval's nominal and observed coverage and MSIS ({@link QuantileSums} defines them).
     */
    private static ObjectNode describe(QuantileSums q, double[] levels) {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode l = n.putArray("levels");
        for (double v : levels) {
            l.add(v);
        }
        putFinite(n, "WQL", q.wql());
        ObjectNode spl = n.putObject("scaledPinball");
        for (int i = 0; i < levels.length; i++) {
            putFinite(spl, QuantileSums.label(levels[i]), q.scaledPinball(i));
        }
        ObjectNode intervals = n.putObject("intervals");
        for (int k = 0; k < q.intervalCount(); k++) {
            ObjectNode one = intervals.putObject(q.intervalLabel(k));
            one.put("nominal", q.nominal(k));
            putFinite(one, "coverage", q.coverage(k));
            putFinite(one, "MSIS", q.msis(k));
        }
        return n;
    }

    /** {@code n.key = v}, or null when {@code v} is not finite (JSON has no NaN): shared with {@link Leaderboard}. */
    static void putFinite(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) {
            n.put(key, v);
        } else {
            n.putNull(key);
        }
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /**
     * Refuses an id column named like a column of the per-series metrics of {@code methods} a report will hold (the
     * probabilistic ones all end in {@code _wql}, {@code _coverage_<level>} or {@code _msis_<level>}).
     */
    private static void requireOwnName(TrainConfig cfg, List<String> methods, Path out) {
        String id = cfg.data().id();
        if (out != null) {
            List<String> taken = new java.util.ArrayList<>(List.of(metrics(methods, new double[0][]).fieldNames()));
            if (id.endsWith("_wql") || id.matches(".*_(coverage|msis)_[0-9_]+")) {
                taken.add(id);
            }
            ModelInput.requireOwnName(id, "data.id", taken, "a metrics column (origins, points, zeroActuals,"
                    + " <method>_mae|rmse|mape|smape|mase, <method>_wql, <method>_coverage_<level>,"
                    + " <method>_msis_<level>)");
        }
    }

    /** One model's backtest results over its reading of the input. */
    private static List<Backtest.SeriesResult> results(JavaSparkContext sc, ModelInput in, Backtest test) {
        Broadcast<Map<String, Scaler>> scalers = sc.broadcast(in.trained());
        Broadcast<Backtest> backtest = sc.broadcast(test);
        sc.setJobDescription("spark-gru backtest");
        return in.series().mapPartitions(it -> backtest.value().run(it, scalers.value())).collect();
    }

    /**
     * The curves of the best, median and worst series by the model's sMAPE, with the {@code against} model's
     * forecasts when there is one.
     */
    private static List<HtmlReport.Labelled> curves(ModelInput in, Backtest test, ModelInput against, Backtest other,
                                                    List<Object[]> bySmape) {
        bySmape.removeIf(o -> !Double.isFinite((Double) o[1]));
        bySmape.sort(Comparator.comparingDouble((Object[] o) -> (Double) o[1]).thenComparing(o -> (String) o[0]));
        List<String[]> picks = new ArrayList<>();
        if (!bySmape.isEmpty()) {
            picks.add(new String[] {"best", (String) bySmape.get(0)[0]});
            picks.add(new String[] {"median", (String) bySmape.get(bySmape.size() / 2)[0]});
            picks.add(new String[] {"worst", (String) bySmape.get(bySmape.size() - 1)[0]});
        }
        Set<String> ids = new HashSet<>();
        picks.forEach(p -> ids.add(p[1]));
        Map<String, Series> chosen = new HashMap<>();
        in.series().filter(s -> ids.contains(s.id)).collect().forEach(s -> chosen.put(s.id, s));
        Map<String, Series> theirs = new HashMap<>();
        if (against != null) {
            against.series().filter(s -> ids.contains(s.id)).collect().forEach(s -> theirs.put(s.id, s));
        }
        List<HtmlReport.Labelled> curves = new ArrayList<>();
        for (String[] p : picks) {
            Backtest.Curve c = test.curve(chosen.get(p[1]), in.trained());
            if (against != null) {
                c = c.withAgainst(other.curve(theirs.get(p[1]), against.trained()));
            }
            curves.add(new HtmlReport.Labelled(p[0], c));
        }
        return curves;
    }
}
