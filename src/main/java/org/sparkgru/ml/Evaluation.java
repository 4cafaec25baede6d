package org.sparkgru.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.apache.spark.sql.types.StructType;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.forecasting.Backtest;
import org.sparkgru.forecasting.Forecaster;
import org.sparkgru.model.GruModel;
import org.sparkgru.model.HadoopFiles;
import org.sparkgru.model.ModelStore;
import org.sparkgru.reporting.HtmlReport;

/**
 * The rolling-origin backtest behind {@code jobs/evaluate.sh} and the training job's validation-tail report: the
 * model against naive and seasonal-naive forecasts on the same windows ({@link Backtest}), summarized overall and
 * per series, with {@link HtmlReport}.
 */
public final class Evaluation {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Evaluation() {
    }

    /**
     * The backtest shared by this job and the training job (which scores its validation tail): returns the summary
     * and, with a report directory, writes {@code metrics/}, {@code summary.json}, {@code report.html} and
     * {@code _SUCCESS} there.
     */
    public static ObjectNode backtest(SparkSession spark, GruModel m, String modelDir, TrainConfig cfg, Dataset<Row> df,
                               int origins, Integer season, Path out) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ModelInput in = ModelInput.prepare(spark, m, modelDir, cfg, df, null);
        String frequency = in.series().isEmpty() ? "" : in.series().first().grid.frequency();
        int m0 = season != null ? season : Backtest.season(frequency);
        Backtest test = new Backtest(in.forecaster(), origins, m0);
        Broadcast<Map<String, Forecaster.Scaler>> scalers = sc.broadcast(in.trained());
        Broadcast<Backtest> backtest = sc.broadcast(test);
        sc.setJobDescription("spark-gru backtest");
        List<Backtest.SeriesResult> results = in.series()
                .mapPartitions(it -> backtest.value().run(it, scalers.value())).collect();
        int methods = Backtest.METHODS.size();
        double[] pooled = new double[4 * methods + 3];
        double[] maseSum = new double[methods];
        int[] maseCount = new int[methods];
        List<Row> rows = new ArrayList<>();
        List<Object[]> bySmape = new ArrayList<>();
        List<String[]> skipped = new ArrayList<>(in.problems());
        for (Backtest.SeriesResult r : results) {
            if (r.skipped() != null) {
                skipped.add(new String[] {r.id(), r.skipped()});
                continue;
            }
            double[] s = r.sums();
            for (int i = 0; i < 4 * methods + 2; i++) {
                pooled[i] += s[i];
            }
            List<Object> row = new ArrayList<>(List.of(r.id(), origins, (int) s[4 * methods],
                    (int) (s[4 * methods] - s[4 * methods + 1])));
            for (int k = 0; k < methods; k++) {
                double[] mk = Backtest.metrics(s, k);
                if (Double.isFinite(mk[4])) {
                    maseSum[k] += mk[4];
                    maseCount[k]++;
                }
                if (k == 0) {
                    bySmape.add(new Object[] {r.id(), mk[3]});
                }
                for (double v : mk) {
                    row.add(Double.isFinite(v) ? v : null);
                }
            }
            rows.add(RowFactory.create(row.toArray()));
        }
        pooled[4 * methods + 2] = 1;
        ObjectNode summary = JSON.createObjectNode();
        summary.put("model", modelDir);
        summary.put("origins", origins);
        summary.put("horizon", cfg.model().horizon());
        summary.put("season", m0);
        summary.put("frequency", frequency);
        summary.put("evaluatedSeries", rows.size());
        summary.put("points", (long) pooled[4 * methods]);
        summary.put("zeroActualsSkippedByMape", (long) (pooled[4 * methods] - pooled[4 * methods + 1]));
        ObjectNode overall = summary.putObject("overall");
        String[] names = {"MAE", "RMSE", "MAPE", "sMAPE", "MASE"};
        for (int k = 0; k < methods; k++) {
            double[] mk = Backtest.metrics(pooled, k);
            mk[4] = maseCount[k] > 0 ? maseSum[k] / maseCount[k] : Double.NaN;
            ObjectNode o = overall.putObject(Backtest.METHODS.get(k));
            for (int i = 0; i < names.length; i++) {
                if (Double.isFinite(mk[i])) {
                    o.put(names[i], mk[i]);
                } else {
                    o.putNull(names[i]);
                }
            }
        }
        summary.put("notEvaluated", skipped.size());
        ArrayNode list = summary.putArray("notEvaluatedSeries");
        skipped.stream().sorted((a, b) -> a[0].compareTo(b[0])).forEach(p -> list.addObject().put("series", p[0])
                .put("reason", p[1]));
        if (out != null) {
            FileSystem fs = HadoopFiles.of(out, sc.hadoopConfiguration());
            StructType schema = new StructType().add("series", DataTypes.StringType)
                    .add("origins", DataTypes.IntegerType).add("points", DataTypes.IntegerType)
                    .add("zeroActuals", DataTypes.IntegerType);
            for (String method : Backtest.METHODS) {
                for (String n : names) {
                    schema = schema.add(method + "_" + n.toLowerCase(), DataTypes.DoubleType);
                }
            }
            JavaRDD<Row> rdd = sc.parallelize(rows, Math.max(1, Math.min(rows.size(), 8)));
            spark.createDataFrame(rdd, schema).write().parquet(new Path(out, "metrics").toString());
            try (OutputStream o = fs.create(new Path(out, "summary.json"), true)) {
                o.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(summary));
            }
            writeReport(fs, out, summary, modelDir, sc, in, test, bySmape);
            fs.create(new Path(out, ModelStore.SUCCESS), true).close();
        }
        return summary;
    }

    /** report.html with the best, median and worst series by the model's sMAPE. */
    private static void writeReport(FileSystem fs, Path out, ObjectNode summary, String modelDir,
                                    JavaSparkContext sc, ModelInput in, Backtest test, List<Object[]> bySmape)
            throws IOException {
        bySmape.removeIf(o -> !Double.isFinite((Double) o[1]));
        bySmape.sort(java.util.Comparator.comparingDouble((Object[] o) -> (Double) o[1])
                .thenComparing(o -> (String) o[0]));
        List<String[]> picks = new ArrayList<>();
        if (!bySmape.isEmpty()) {
            picks.add(new String[] {"best", (String) bySmape.get(0)[0]});
            picks.add(new String[] {"median", (String) bySmape.get(bySmape.size() / 2)[0]});
            picks.add(new String[] {"worst", (String) bySmape.get(bySmape.size() - 1)[0]});
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        picks.forEach(p -> ids.add(p[1]));
        Map<String, org.sparkgru.data.Series> chosen = new java.util.HashMap<>();
        in.series().filter(s -> ids.contains(s.id)).collect().forEach(s -> chosen.put(s.id, s));
        List<HtmlReport.Labelled> curves = new ArrayList<>();
        for (String[] p : picks) {
            curves.add(new HtmlReport.Labelled(p[0], test.curve(chosen.get(p[1]), in.trained())));
        }
        List<JsonNode> metrics = new ArrayList<>();
        Path jsonl = new Path(modelDir, "metrics.jsonl");
        FileSystem mfs = HadoopFiles.of(jsonl, sc.hadoopConfiguration());
        if (mfs.exists(jsonl)) {
            try (var inStream = mfs.open(jsonl)) {
                for (String line : new String(inStream.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                        .split("\n")) {
                    if (!line.isBlank()) {
                        metrics.add(JSON.readTree(line));
                    }
                }
            }
        }
        String html = HtmlReport.render("spark-gru backtest of " + modelDir, summary, metrics, curves);
        try (OutputStream o = fs.create(new Path(out, "report.html"), true)) {
            o.write(html.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
