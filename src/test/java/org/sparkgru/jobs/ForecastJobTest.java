package org.sparkgru.jobs;

import org.sparkgru.UserError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.io.AtomicFiles;
import org.sparkgru.kernel.Bptt;
import org.sparkgru.kernel.KernelBackend;
import org.sparkgru.ml.GruForecastModel;
import org.sparkgru.ml.ModelInput;
import org.sparkgru.model.GruModel;
import org.sparkgru.model.ModelStore;
import org.sparkgru.testing.SparkTests;
import picocli.CommandLine;

/** Batch forecasting end to end on a model trained from the sample. */
class ForecastJobTest {
    private static final String SAMPLE = "data-samples/hourly.csv";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    private static String model;

    @BeforeAll
    static void trainModel() throws IOException {
        model = shared.resolve("model").toString();
        TrainJob job = new TrainJob();
        new CommandLine(job).parseArgs("--input", SAMPLE, "--format", "csv", "--model", model, "--set",
                "data.features=[temperature]", "--set", "train.iterations=20", "--set", "model.hidden=8");
        job.run(SparkTests.session(), TrainConfig.load(job.config, job.sets));
    }

    private String forecast(String input, String... extra) throws IOException {
        String out = tmp.resolve("out-" + System.nanoTime()).toString();
        List<String> args = new ArrayList<>(List.of("--model", model, "--input", input, "--format", "csv",
                "--output", out));
        args.addAll(List.of(extra));
        ForecastJob job = new ForecastJob();
        new CommandLine(job).parseArgs(args.toArray(String[]::new));
        GruModel m = ModelStore.load(model, new Configuration());
        job.run(SparkTests.session(), m, job.config(m));
        return out;
    }

    /** The forecast job on the sample with {@code args} (a destination among them); returns its last line. */
    private String forecastTo(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--model", model, "--input", SAMPLE, "--format", "csv"));
        all.addAll(List.of(args));
        ForecastJob job = new ForecastJob();
        new CommandLine(job).parseArgs(all.toArray(String[]::new));
        GruModel m = ModelStore.load(model, new Configuration());
        return job.run(SparkTests.session(), m, job.config(m));
    }

    private static List<Row> rows(String out, String series) {
        return SparkTests.session().read().parquet(out + "/forecasts").where("series = '" + series + "'")
                .orderBy("step").collectAsList();
    }

    @Test
    void everySeriesGetsHorizonRowsContinuingItsGridAndTheKernelsValues() throws IOException {
        String out = forecast(SAMPLE);
        assertTrue(Files.exists(Path.of(out, "_SUCCESS")));
        JsonNode summary = JSON.readTree(Path.of(out, "summary.json").toFile());
        assertEquals(11, summary.get("forecastSeries").asInt());
        assertEquals("s0011", summary.at("/notForecastSeries/0/series").asText());
        int lookback = ModelStore.load(model, new Configuration()).metadata().at("/configuration/model/lookback")
                .asInt();
        assertEquals("too short: 40 points, needs at least " + lookback, summary.at("/notForecastSeries/0/reason")
                .asText());
        assertTrue(lookback > 40, "the automatic lookback of the hourly sample: " + lookback);
        assertEquals(11 * 12, SparkTests.session().read().parquet(out + "/forecasts").count());

        List<Row> s0 = rows(out, "s0000");
        assertEquals(12, s0.size());
        Instant last = Instant.parse("2026-01-05T00:00:00Z").plusSeconds(719L * 3600);
        for (int h = 0; h < 12; h++) {
            assertEquals(h + 1, s0.get(h).getInt(2));
            assertEquals(last.plusSeconds(3600L * (h + 1)), s0.get(h).getTimestamp(1).toInstant());
        }

        // independent recomputation, by the documented formulation of the default configuration (revin with a
        // baseline): standardize the last lookback targets by their own mean and deviation and the covariate by the
        // training scaler, run the kernel forward, and add the output times the deviation to the baseline's value
        GruModel m = ModelStore.load(model, new Configuration());
        JsonNode cfg = m.metadata().get("configuration");
        assertEquals("revin", cfg.at("/data/scaling").asText());
        String baseline = cfg.at("/model/baseline").asText();
        int season = cfg.at("/model/season").asInt();
        assertEquals(24, season, "hourly");
        Row sc = SparkTests.session().read().parquet(model + "/scalers").where("id = 's0000'").first();
        float fMean = ((Number) sc.getList(6).get(0)).floatValue();
        float fScale = ((Number) sc.getList(7).get(0)).floatValue();
        List<String> lines = Files.readAllLines(Path.of(SAMPLE)).stream().filter(l -> l.startsWith("s0000,")).toList();
        double[] v = new double[lookback];
        double mean = 0;
        for (int t = 0; t < lookback; t++) {
            v[t] = Float.parseFloat(lines.get(lines.size() - lookback + t).split(",")[2]);
            mean += v[t] / lookback;
        }
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        double sd = Math.sqrt(ss / lookback);
        Bptt k = new Bptt(m.spec(), KernelBackend.best(), 1, lookback);
        for (int t = 0; t < lookback; t++) {
            String[] f = lines.get(lines.size() - lookback + t).split(",");
            k.input()[2 * t] = (float) ((v[t] - mean) / sd);
            k.input()[2 * t + 1] = (Float.parseFloat(f[3]) - fMean) / fScale;
        }
        k.forward(m.params(), 1);
        for (int h = 0; h < 12; h++) {
            double base = switch (baseline) {
                case "naive" -> v[lookback - 1];
                case "seasonal-naive" -> v[lookback - season + h % season];
                default -> mean;
            };
            double want = base + k.output()[h] * sd;
            assertEquals(want, s0.get(h).getDouble(3), 1e-3 * Math.abs(want), "step " + (h + 1) + ", " + baseline);
        }
    }

    /**
     * {@code forecast.fallback}: the series whose validation-tail MAE in the model's training report is above
     * seasonal naive's (or, under {@code best}, above either baseline's) are exactly those forecast by the
     * baseline, with the baseline's values, a {@code source} column and the list in {@code summary.json}.
     */
    @Test
    void theFallbackForecastsTheSeriesTheBaselineWonWithTheBaseline() throws IOException {
        java.util.Map<String, double[]> mae = new java.util.TreeMap<>();
        for (Row r : SparkTests.session().read().parquet(model + "/report/metrics")
                .select("series", "model_mae", "naive_mae", "seasonal_naive_mae").collectAsList()) {
            mae.put(r.getString(0), new double[] {r.getDouble(1), r.getDouble(2), r.getDouble(3)});
        }
        java.util.Map<String, String> seasonal = new java.util.TreeMap<>();
        java.util.Map<String, String> best = new java.util.TreeMap<>();
        mae.forEach((id, e) -> {
            if (e[2] < e[0]) {
                seasonal.put(id, "seasonal_naive");
            }
            if (Math.min(e[1], e[2]) < e[0]) {
                best.put(id, e[2] <= e[1] ? "seasonal_naive" : "naive");
            }
        });
        assertTrue(!seasonal.isEmpty() && seasonal.size() < mae.size(),
                "the sample has series on both sides of seasonal naive after 20 iterations: " + seasonal);

        String plain = forecast(SAMPLE);
        String out = forecast(SAMPLE, "--set", "forecast.fallback=seasonal-naive");
        assertEquals(seasonal, sources(out), "the flagged series");
        JsonNode summary = JSON.readTree(Path.of(out, "summary.json").toFile());
        assertEquals("seasonal-naive", summary.get("fallback").asText());
        assertEquals(seasonal.size(), summary.get("fallbackSeries").size());
        assertEquals(seasonal.keySet().iterator().next(), summary.at("/fallbackSeries/0/series").asText());
        for (String id : mae.keySet()) {
            List<Row> fell = rows(out, id);
            List<Row> model = rows(plain, id);
            List<String> lines = Files.readAllLines(Path.of(SAMPLE)).stream().filter(l -> l.startsWith(id + ","))
                    .toList();
            for (int h = 0; h < 12; h++) {
                double want = seasonal.containsKey(id)
                        ? Float.parseFloat(lines.get(lines.size() - 24 + h).split(",")[2])
                        : model.get(h).getDouble(3);
                assertEquals(want, fell.get(h).getDouble(3), 0, id + " step " + (h + 1));
            }
        }

        assertEquals(best, sources(forecast(SAMPLE, "--set", "forecast.fallback=best")));
        assertEquals(List.of("series", "timestamp", "step", "forecast"),
                List.of(SparkTests.session().read().parquet(plain + "/forecasts").columns()),
                "no source column without a fallback");

        UserError e = assertThrows(UserError.class, () -> forecast(SAMPLE, "--set", "forecast.fallback=median"));
        assertTrue(e.getMessage().contains("forecast.fallback") && e.getMessage().contains("median"), e.getMessage());
        e = assertThrows(UserError.class, () -> forecast(SAMPLE, "--set", "model.hidden=3"));
        assertEquals("--set model.hidden=3: only data.* and forecast.* keys can change after training", e.getMessage());

        org.apache.hadoop.fs.FileSystem local = org.apache.hadoop.fs.FileSystem.getLocal(new Configuration());
        Path noReport = tmp.resolve("no-report");
        org.apache.hadoop.fs.FileUtil.copy(local, new org.apache.hadoop.fs.Path(model), local,
                new org.apache.hadoop.fs.Path(noReport.toString()), false, new Configuration());
        Files.delete(noReport.resolve("report/_SUCCESS"));
        ForecastJob job = new ForecastJob();
        new CommandLine(job).parseArgs("--model", noReport.toString(), "--input", SAMPLE, "--output",
                tmp.resolve("never").toString(), "--set", "forecast.fallback=best");
        GruModel m = ModelStore.load(noReport.toString(), new Configuration());
        e = assertThrows(UserError.class, () -> job.run(SparkTests.session(), m, job.config(m)));
        assertTrue(e.getMessage().startsWith("forecast.fallback = best chooses series from the training report, and ")
                && e.getMessage().endsWith("/report is missing or incomplete; retrain with jobs/train.sh or set"
                + " forecast.fallback = none"), e.getMessage());
        assertTrue(!Files.exists(tmp.resolve("never")), "nothing written");
    }

    /** The series of a forecast output not forecast by the model, with their source. */
    private static java.util.Map<String, String> sources(String out) {
        java.util.Map<String, String> m = new java.util.TreeMap<>();
        SparkTests.session().read().parquet(out + "/forecasts").where("source != 'model'")
                .select("series", "source").distinct().collectAsList().forEach(r -> m.put(r.getString(0),
                        r.getString(1)));
        return m;
    }

    @Test
    void unseenSeriesAndAsOf() throws IOException {
        Path renamed = tmp.resolve("renamed.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of(SAMPLE)));
        lines.replaceAll(l -> l.replace("s0001,", "new01,"));
        Files.write(renamed, lines);
        String out = forecast(renamed.toString());
        List<Row> unseen = rows(out, "new01");
        assertEquals(12, unseen.size(), "an unseen series is forecast with a scaler fitted on its own history");
        assertTrue(Double.isFinite(unseen.get(0).getDouble(3)));

        String cut = forecast(SAMPLE, "--as-of", "2026-01-30T23:00:00Z");
        List<Row> s0 = rows(cut, "s0000");
        assertEquals(Instant.parse("2026-01-31T00:00:00Z"), s0.get(0).getTimestamp(1).toInstant(),
                "history ends at --as-of, forecasts start one step later");

        String csvOut = forecast(SAMPLE, "--output-format", "csv");
        List<String> csvLines = Files.readAllLines(Files.list(Path.of(csvOut, "forecasts"))
                .filter(f -> f.getFileName().toString().endsWith(".csv")).findFirst().orElseThrow());
        assertEquals("series,timestamp,step,forecast", csvLines.get(0), "CSV on request, with a header");
        assertTrue(csvLines.get(1).matches("s\\d{4},2026-\\d\\d-\\d\\dT\\d\\d:00:00Z,\\d+,[-0-9.E]+"),
                "times as the input writes them, in UTC, without milliseconds: " + csvLines.get(1));

        UserError e = assertThrows(UserError.class, () -> forecast(SAMPLE, "--as-of", "yesterday"));
        assertTrue(e.getMessage().contains("--as-of 'yesterday' is not a timestamp value"), e.getMessage());
    }

    @Test
    void dailyAndMonthlySeriesContinueTheirOwnCalendars() throws IOException {
        Path csv = tmp.resolve("calendar.csv");
        StringBuilder sb = new StringBuilder("series,day,value\n");
        java.time.LocalDate d0 = java.time.LocalDate.parse("2024-01-01");
        for (int t = 0; t < 40; t++) {
            sb.append("daily,").append(d0.plusDays(t)).append(',').append(10 + t % 7).append('\n');
            sb.append("monthly,").append(d0.plusMonths(t)).append(',').append(100 + t % 12).append('\n');
            sb.append("monthends,").append(java.time.YearMonth.of(2021, 1).plusMonths(t).atEndOfMonth()).append(',')
                    .append(50 + t % 3).append('\n');
        }
        Files.writeString(csv, sb.toString());
        String calendarModel = tmp.resolve("calendar-model").toString();
        TrainJob train = new TrainJob();
        new CommandLine(train).parseArgs("--input", csv.toString(), "--format", "csv", "--model", calendarModel,
                "--set", "data.time=day", "--set", "model.lookback=8", "--set", "model.horizon=3", "--set",
                "model.hidden=4", "--set", "train.iterations=3");
        train.run(SparkTests.session(), TrainConfig.load(train.config, train.sets));
        ForecastJob f = new ForecastJob();
        String out = tmp.resolve("calendar-out").toString();
        new CommandLine(f).parseArgs("--model", calendarModel, "--input", csv.toString(), "--format", "csv",
                "--output", out);
        GruModel m = ModelStore.load(calendarModel, new Configuration());
        f.run(SparkTests.session(), m, f.config(m));
        java.util.function.Function<String, List<String>> dates = id -> SparkTests.session().read()
                .parquet(out + "/forecasts").where("series = '" + id + "'").orderBy("step").collectAsList().stream()
                .map(r -> r.getDate(1).toString()).toList();
        assertEquals(List.of("2024-02-10", "2024-02-11", "2024-02-12"), dates.apply("daily"));
        assertEquals(List.of("2027-05-01", "2027-06-01", "2027-07-01"), dates.apply("monthly"));
        assertEquals(List.of("2024-05-31", "2024-06-30", "2024-07-31"), dates.apply("monthends"));
    }

    /**
     * A daily series recorded at local midnights in New York (23 and 25 hours apart in UTC around the switches of
     * 2020-03-08, 2020-11-01 and 2021-03-14) trains on one grid of local days, and its forecasts continue on local
     * midnights across the switch of 2021-03-14.
     */
    @Test
    void dailySeriesInADaylightSavingZoneContinueOnLocalMidnights() throws IOException {
        Path csv = tmp.resolve("new-york.csv");
        StringBuilder sb = new StringBuilder("series,timestamp,value\n");
        for (java.time.LocalDate d = java.time.LocalDate.parse("2020-03-01"); d.isBefore(
                java.time.LocalDate.parse("2021-04-01")); d = d.plusDays(1)) {
            sb.append("ny,").append(d).append(" 00:00:00,").append(10 + d.getDayOfWeek().getValue()
                    + d.getDayOfMonth() % 5).append('\n');
        }
        Files.writeString(csv, sb.toString());
        String zoneModel = tmp.resolve("new-york-model").toString();
        TrainJob train = new TrainJob();
        new CommandLine(train).parseArgs("--input", csv.toString(), "--format", "csv", "--model", zoneModel,
                "--set", "data.timeZone=America/New_York", "--set", "data.gaps=error", "--set", "model.lookback=14",
                "--set", "model.horizon=4", "--set", "model.hidden=4", "--set", "train.iterations=3");
        train.run(SparkTests.session(), TrainConfig.load(train.config, train.sets));
        GruModel m = ModelStore.load(zoneModel, new Configuration());
        assertEquals(0, m.metadata().at("/dataQuality/gapsFilled").asInt(), "every local day on the grid");
        assertEquals("P1D", SparkTests.session().read().parquet(zoneModel + "/scalers").first().getAs("frequency"),
                "local days, not fixed 24 hours");

        ForecastJob f = new ForecastJob();
        String out = tmp.resolve("new-york-out").toString();
        new CommandLine(f).parseArgs("--model", zoneModel, "--input", csv.toString(), "--format", "csv",
                "--output", out, "--as-of", "2021-03-12");
        f.run(SparkTests.session(), m, f.config(m));
        List<String> local = SparkTests.session().read().parquet(out + "/forecasts").orderBy("step").collectAsList()
                .stream().map(r -> r.getTimestamp(1).toInstant().atZone(java.time.ZoneId.of("America/New_York"))
                        .toLocalDateTime().toString()).toList();
        assertEquals(List.of("2021-03-13T00:00", "2021-03-14T00:00", "2021-03-15T00:00", "2021-03-16T00:00"), local);
    }

    /**
     * Forecasts and evaluation metrics keep the input's id column, its name and type (integer ids stay integers,
     * long ids longs), and the forecasts the time column's name, so that both join back to the input with a plain
     * equi-join; the spark.ml model's output and schema are the job's. Added columns and partitions go with them.
     */
    @Test
    void integerIdsStayIntegersAndForecastsAndMetricsJoinBackToTheInput() throws IOException {
        Path csv = tmp.resolve("stores.csv");
        StringBuilder sb = new StringBuilder("store,day,sales\n");
        java.time.LocalDate d0 = java.time.LocalDate.parse("2024-01-01");
        for (int store = 1; store <= 3; store++) {
            for (int t = 0; t < 40; t++) {
                sb.append(store).append(',').append(d0.plusDays(t)).append(',').append(10 * store + t % 7)
                        .append('\n');
            }
        }
        Files.writeString(csv, sb.toString());
        String storeModel = tmp.resolve("store-model").toString();
        TrainJob train = new TrainJob();
        new CommandLine(train).parseArgs("--input", csv.toString(), "--format", "csv", "--model", storeModel,
                "--set", "data.id=store", "--set", "data.time=day", "--set", "data.target=sales", "--set",
                "model.lookback=8", "--set", "model.horizon=3", "--set", "model.hidden=4", "--set",
                "train.iterations=3");
        train.run(SparkTests.session(), TrainConfig.load(train.config, train.sets));
        GruModel m = ModelStore.load(storeModel, new Configuration());

        // history up to 2024-02-06: forecasts of the three days after it, which the input holds
        String out = tmp.resolve("store-out").toString();
        ForecastJob f = new ForecastJob();
        new CommandLine(f).parseArgs("--model", storeModel, "--input", csv.toString(), "--format", "csv", "--output",
                out, "--as-of", "2024-02-06", "--add-column", "run_date=2024-02-06", "--add-column", "model=v1",
                "--partition-by", "run_date");
        f.run(SparkTests.session(), m, f.config(m));
        Dataset<Row> input = SparkTests.session().read().option("header", "true").option("inferSchema", "true")
                .csv(csv.toString());
        assertEquals(DataTypes.IntegerType, input.schema().apply("store").dataType(), "fixture: integer ids");
        Dataset<Row> forecasts = SparkTests.session().read().parquet(out + "/forecasts");
        assertEquals(DataTypes.IntegerType, forecasts.schema().apply("store").dataType());
        assertEquals(DataTypes.DateType, forecasts.schema().apply("day").dataType());
        assertEquals(List.of("store", "day", "step", "forecast", "model", "run_date"), List.of(forecasts.columns()),
                "the partition column last, as Spark reads it");
        assertTrue(Files.isDirectory(Path.of(out, "forecasts", "run_date=2024-02-06")), "partitioned by run_date");
        assertTrue(Files.exists(Path.of(out, AtomicFiles.SUCCESS)), "written last, as for unpartitioned output");
        assertEquals(List.of("v1"), forecasts.select("model").distinct().collectAsList().stream()
                .map(r -> r.getString(0)).toList());

        List<Row> joined = forecasts.join(input, new String[] {"store", "day"}).orderBy("store", "day")
                .collectAsList();
        assertEquals(9, joined.size(), "3 stores x 3 days, each forecast beside its actual value");
        for (Row r : joined) {
            int day = (int) (r.getDate(r.fieldIndex("day")).toLocalDate().toEpochDay() - d0.toEpochDay());
            assertEquals(36 + r.getInt(r.fieldIndex("step")), day);
            assertEquals(10 * r.getInt(0) + day % 7, r.getInt(r.fieldIndex("sales")));
        }

        EvaluateJob eval = new EvaluateJob();
        String report = tmp.resolve("store-report").toString();
        new CommandLine(eval).parseArgs("--model", storeModel, "--input", csv.toString(), "--format", "csv",
                "--report", report);
        eval.run(SparkTests.session(), m, ModelInput.config(m, storeModel, List.of()));
        Dataset<Row> metrics = SparkTests.session().read().parquet(report + "/metrics");
        assertEquals("store", metrics.columns()[0]);
        assertEquals(DataTypes.IntegerType, metrics.schema().apply("store").dataType());
        assertEquals(3, metrics.join(input.select("store").distinct(), "store").count());

        // spark.ml: the same columns, types and values; long ids stay longs
        GruForecastModel ml = GruForecastModel.load(storeModel).setAsOf("2024-02-06");
        Dataset<Row> transformed = ml.transform(input);
        assertEquals(ml.transformSchema(input.schema()), transformed.schema());
        assertEquals(List.of("store", "day", "step", "forecast"), List.of(transformed.columns()));
        assertEquals(0, transformed.exceptAll(forecasts.drop("model", "run_date")).count(), "the job's forecasts");
        Dataset<Row> longIds = input.withColumn("store", input.col("store").cast(DataTypes.LongType));
        assertEquals(DataTypes.LongType, ml.transform(longIds).schema().apply("store").dataType());
    }

    /**
     * {@code --output-table}: the forecasts as a table of the session catalog (Spark's built-in one here, in a
     * database under the test's directory), partitioned on request, replaced or appended only with {@code --mode};
     * its rows are those of the directory output.
     */
    @Test
    void forecastsGoToACatalogTableThatIsReplacedOrAppendedOnRequest() throws Exception {
        SparkSession spark = SparkTests.session();
        String db = "forecast_job_test";
        spark.sql("CREATE DATABASE " + db + " LOCATION '" + tmp.resolve("lake").toUri() + "'");
        try {
            String table = db + ".forecasts";
            assertEquals("forecasts of 11 series written to table " + table + " (1 series could not be forecast: see"
                    + " the forecast summary in the log)", forecastTo("--output-table", table, "--add-column",
                    "run=a", "--partition-by", "run"));
            assertEquals(List.of("series", "timestamp", "step", "forecast", "run"),
                    List.of(spark.table(table).columns()));
            assertEquals(List.of("run"), spark.catalog().listColumns(table).collectAsList().stream()
                    .filter(org.apache.spark.sql.catalog.Column::isPartition).map(c -> c.name()).toList());
            assertTrue(Files.isDirectory(tmp.resolve("lake/forecasts/run=a")), "in the database's location");
            assertEquals(0, spark.table(table).drop("run").exceptAll(spark.read().parquet(forecast(SAMPLE)
                    + "/forecasts")).count(), "the rows of the directory output");

            forecastTo("--output-table", table, "--mode", "append", "--add-column", "run=b", "--partition-by", "run");
            assertEquals(java.util.Map.of("a", 132L, "b", 132L), runs(table));
            forecastTo("--output-table", table, "--mode", "overwrite", "--add-column", "run=c");
            assertEquals(java.util.Map.of("c", 132L), runs(table));
        } finally {
            spark.sql("DROP DATABASE " + db + " CASCADE");
        }
    }

    /** Rows of {@code table} by its column run. */
    private static java.util.Map<String, Long> runs(String table) {
        java.util.Map<String, Long> m = new java.util.TreeMap<>();
        SparkTests.session().table(table).groupBy("run").count().collectAsList()
                .forEach(r -> m.put(r.getString(0), r.getLong(1)));
        return m;
    }

    @Test
    void inputWithoutTheModelsCovariateIsRefused() throws IOException {
        Path noTemp = tmp.resolve("notemp.csv");
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(Path.of(SAMPLE))) {
            lines.add(l.substring(0, l.lastIndexOf(',')));
        }
        Files.write(noTemp, lines);
        UserError e = assertThrows(UserError.class, () -> forecast(noTemp.toString()));
        assertTrue(e.getMessage().startsWith("the model was trained with covariate 'temperature'"), e.getMessage());
    }
}
