package org.sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.testing.SparkTests;

/**
 * Quantile forecasts end to end on a series whose answer is known: a daily cycle plus Gaussian noise of deviation 1,
 * so that the true 80 % central interval is the cycle ± 1.2816. A model with {@code model.quantiles = [0.1, 0.5,
 * 0.9]} trained on the first 800 points of every series must cover 75-85 % of the last 96 held-out points of all
 * series in the backtest (1,152 points: the sampling deviation of a true 80 % coverage is 1.2 points), and its
 * forecasts carry q10 <= q50 <= q90 with the point forecast equal to q50.
 */
class QuantileForecastTest {
    @TempDir
    Path tmp;

    private static final int SERIES = 12;
    private static final int POINTS = 896;
    private static final int TRAINED = 800;

    private Path write(String name, int points) throws IOException {
        List<String> rows = new ArrayList<>(List.of("series,timestamp,value"));
        for (int s = 0; s < SERIES; s++) {
            Random rnd = new Random(100 + s);
            Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
            for (int t = 0; t < POINTS; t++) {
                double v = 20 + 4 * Math.sin(2 * Math.PI * (t + 3 * s) / 24) + rnd.nextGaussian();
                if (t < points) {
                    rows.add("s" + s + "," + t0.plusSeconds(3600L * t) + "," + v);
                }
            }
        }
        return Files.write(tmp.resolve(name), rows);
    }

    private String train(Path input, String name, String quantiles) {
        String model = tmp.resolve(name).toString();
        StringWriter log = new StringWriter();
        assertEquals(0, JobRunner.run(new TrainJob(), new PrintWriter(log, true), "--input", input.toString(),
                "--model", model, "--set", "model.horizon=12", "--set", "model.lookback=48", "--set", "model.hidden=16",
                "--set", "model.quantiles=" + quantiles, "--set", "train.iterations=400", "--set",
                "train.validationEvery=1000", "--set", "train.checkpointEvery=0"), log.toString());
        return model;
    }

    /**
     * Conformal intervals around a point model on the same data: the backtest's 80 % intervals of the model and of
     * seasonal naive (each calibrated on 50 origins before every evaluated one) cover 75-85 %, the forecasts carry
     * lower_80 <= forecast <= upper_80 inside the 95 % ends, and levels the calibration cannot give are refused.
     */
    @Test
    void conformalIntervalsOfAPointModelCoverTheirLevel() throws IOException {
        SparkTests.session();
        Path training = write("train.csv", TRAINED);
        Path all = write("all.csv", POINTS);
        String model = train(training, "point", "[]");
        String eval = tmp.resolve("eval").toString();
        StringWriter evalLog = new StringWriter();
        assertEquals(0, JobRunner.run(new EvaluateJob(), new PrintWriter(evalLog, true), "--model", model,
                "--input", all.toString(), "--report", eval, "--origins", "8", "--intervals", "conformal"),
                evalLog.toString());
        JsonNode p = new ObjectMapper().readTree(Path.of(eval, "summary.json").toFile()).path("probabilistic");
        assertTrue(!p.has("model") && p.has("model_conformal") && p.has("seasonal_naive_conformal"), p.toString());
        for (String method : List.of("model_conformal", "seasonal_naive_conformal")) {
            JsonNode q = p.path(method);
            assertEquals(List.of(0.025, 0.1, 0.5, 0.9, 0.975), new ObjectMapper().convertValue(q.path("levels"),
                    List.class), "the intervals' ends as quantiles");
            double coverage = q.path("intervals").path("80").path("coverage").asDouble();
            assertTrue(coverage >= 0.75 && coverage <= 0.85, method + " 80 % covers " + coverage + ": " + q);
            assertTrue(q.path("intervals").path("95").path("coverage").asDouble() > coverage, q.toString());
        }
        assertTrue(p.path("model_conformal").path("WQL").asDouble() < p.path("seasonal_naive_conformal")
                .path("WQL").asDouble(), "the model's intervals are sharper than seasonal naive's: " + p);

        String out = tmp.resolve("forecasts").toString();
        assertEquals(0, JobRunner.run(new ForecastJob(), new PrintWriter(new StringWriter(), true), "--model", model,
                "--input", all.toString(), "--output", out, "--intervals", "conformal", "--level", "80,95"));
        List<Row> rows = SparkTests.session().read().parquet(out + "/forecasts").collectAsList();
        assertEquals(SERIES * 12, rows.size());
        for (Row r : rows) {
            double f = r.getDouble(r.fieldIndex("forecast"));
            double lo80 = r.getDouble(r.fieldIndex("lower_80"));
            double hi80 = r.getDouble(r.fieldIndex("upper_80"));
            assertTrue(r.getDouble(r.fieldIndex("lower_95")) <= lo80 && lo80 < f && f < hi80
                    && hi80 <= r.getDouble(r.fieldIndex("upper_95")), r.toString());
        }
        JsonNode summary = new ObjectMapper().readTree(Path.of(out, "summary.json").toFile());
        assertEquals(0, summary.path("intervals").path("seriesWithoutIntervals").asInt(), summary.toString());

        StringWriter err = new StringWriter();
        assertEquals(2, JobRunner.run(new ForecastJob(), new PrintWriter(err, true), "--model", model, "--input",
                all.toString(), "--output", tmp.resolve("f99").toString(), "--intervals", "conformal", "--level", "99"));
        assertTrue(err.toString().startsWith("error: --level 99 needs at least 99 calibration origins"), err.toString());
    }

    @Test
    void theEightyPercentIntervalCoversEightyPercentOfHeldOutPoints() throws IOException {
        SparkTests.session();
        Path training = write("train.csv", TRAINED);
        Path all = write("all.csv", POINTS);
        String model = train(training, "quantiles", "[0.1, 0.5, 0.9]");

        String eval = tmp.resolve("eval").toString();
        StringWriter evalLog = new StringWriter();
        assertEquals(0, JobRunner.run(new EvaluateJob(), new PrintWriter(evalLog, true), "--model", model,
                "--input", all.toString(), "--report", eval, "--origins", "8"), evalLog.toString());
        JsonNode q = new ObjectMapper().readTree(Path.of(eval, "summary.json").toFile()).path("probabilistic").path("model");
        double coverage = q.path("intervals").path("80").path("coverage").asDouble();
        assertEquals(0.8, q.path("intervals").path("80").path("nominal").asDouble(), 1e-12);
        assertTrue(coverage >= 0.75 && coverage <= 0.85, "80 % interval covers " + coverage + ": " + q);
        assertTrue(q.path("WQL").asDouble() > 0 && q.path("WQL").asDouble() < 0.1, q.toString());
        assertTrue(q.path("scaledPinball").has("q10") && q.path("intervals").path("80").path("MSIS").isNumber(),
                q.toString());
        String html = Files.readString(Path.of(eval, "report.html"));
        assertTrue(html.contains("id=\"intervals\""), "the report's interval table");
        Row metrics = SparkTests.session().read().parquet(eval + "/metrics").orderBy("series").first();
        assertTrue(metrics.getDouble(metrics.fieldIndex("model_coverage_80")) > 0.5, metrics.toString());

        String out = tmp.resolve("forecasts").toString();
        assertEquals(0, JobRunner.run(new ForecastJob(), new PrintWriter(new StringWriter(), true), "--model", model,
                "--input", all.toString(), "--output", out));
        List<Row> rows = SparkTests.session().read().parquet(out + "/forecasts").collectAsList();
        assertEquals(SERIES * 12, rows.size());
        for (Row r : rows) {
            double q10 = r.getDouble(r.fieldIndex("q10"));
            double q50 = r.getDouble(r.fieldIndex("q50"));
            double q90 = r.getDouble(r.fieldIndex("q90"));
            assertTrue(q10 <= q50 && q50 <= q90, r.toString());
            assertEquals(q50, r.getDouble(r.fieldIndex("forecast")), 0.0, "the point forecast is the median");
            assertTrue(q90 - q10 > 1.0 && q90 - q10 < 6.0, "an interval near 2 x 1.28: " + r);
        }
    }
}
