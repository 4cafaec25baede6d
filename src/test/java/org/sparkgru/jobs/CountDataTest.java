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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.testing.SparkTests;

/**
 * Count data end to end with {@code data.transform = log1p}, quantiles and {@code model.nonNegative}: Poisson counts
 * with a daily cycle at levels from 0.3 to 300 per hour (the smallest mostly zeros). Forecasts come back in the
 * original units (each series' mean forecast over the next 12 hours within a factor 1.6 of their mean rate, for
 * levels two decades apart), every quantile is at least 0 and in order, and the backtest's metrics stay defined on the zeros (MAPE
 * leaves them out and counts them, sMAPE and MASE are finite).
 */
class CountDataTest {
    @TempDir
    Path tmp;

    private static final double[] LEVELS = {0.3, 3, 30, 300};
    private static final int POINTS = 720;

    private static int poisson(Random rnd, double rate) {
        if (rate > 50) {
            return Math.max(0, (int) Math.round(rate + Math.sqrt(rate) * rnd.nextGaussian()));
        }
        double limit = Math.exp(-rate);
        double p = rnd.nextDouble();
        int k = 0;
        while (p > limit) {
            p *= rnd.nextDouble();
            k++;
        }
        return k;
    }

    @Test
    void log1pQuantileForecastsOfCountsAreInTheOriginalUnits() throws IOException {
        SparkTests.session();
        List<String> rows = new ArrayList<>(List.of("series,timestamp,value"));
        Map<String, Double> levels = new HashMap<>();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        for (int s = 0; s < LEVELS.length * 2; s++) {
            Random rnd = new Random(7 + s);
            double level = LEVELS[s % LEVELS.length];
            for (int t = 0; t < POINTS; t++) {
                int v = poisson(rnd, level * (1 + 0.6 * Math.sin(2 * Math.PI * t / 24)));
                rows.add("c" + s + "," + t0.plusSeconds(3600L * t) + "," + v);
            }
            levels.put("c" + s, level);
        }
        Path input = Files.write(tmp.resolve("counts.csv"), rows);
        String model = tmp.resolve("model").toString();
        StringWriter log = new StringWriter();
        assertEquals(0, JobRunner.run(new TrainJob(), new PrintWriter(log, true), "--input", input.toString(),
                "--model", model, "--set", "model.horizon=12", "--set", "model.lookback=48", "--set", "model.hidden=16",
                "--set", "data.transform=log1p", "--set", "model.quantiles=[0.1, 0.5, 0.9]", "--set",
                "model.nonNegative=true", "--set", "train.iterations=200", "--set", "train.validationEvery=1000",
                "--set", "train.checkpointEvery=0"), log.toString());

        String out = tmp.resolve("forecasts").toString();
        assertEquals(0, JobRunner.run(new ForecastJob(), new PrintWriter(new StringWriter(), true), "--model", model,
                "--input", input.toString(), "--output", out));
        Map<String, Double> meanForecast = new HashMap<>();
        for (Row r : SparkTests.session().read().parquet(out + "/forecasts").collectAsList()) {
            double q10 = r.getDouble(r.fieldIndex("q10"));
            double q50 = r.getDouble(r.fieldIndex("q50"));
            double q90 = r.getDouble(r.fieldIndex("q90"));
            assertTrue(0 <= q10 && q10 <= q50 && q50 <= q90, r.toString());
            meanForecast.merge(r.getString(0), r.getDouble(r.fieldIndex("forecast")) / 12, Double::sum);
        }
        for (int s = 2; s < LEVELS.length * 2; s++) { // the 0.3 level's median is mostly 0: left to the metrics
            if (s % LEVELS.length == 0) {
                continue;
            }
            double want = 0; // the mean rate of the 12 forecast hours
            for (int t = POINTS; t < POINTS + 12; t++) {
                want += levels.get("c" + s) * (1 + 0.6 * Math.sin(2 * Math.PI * t / 24)) / 12;
            }
            double got = meanForecast.get("c" + s);
            assertTrue(got > want / 1.6 && got < want * 1.6, "series c" + s + ": mean forecast " + got
                    + " against the mean rate " + want);
        }

        String eval = tmp.resolve("eval").toString();
        assertEquals(0, JobRunner.run(new EvaluateJob(), new PrintWriter(new StringWriter(), true), "--model", model,
                "--input", input.toString(), "--report", eval, "--origins", "4"));
        JsonNode summary = new ObjectMapper().readTree(Path.of(eval, "summary.json").toFile());
        assertTrue(summary.path("zeroActualsSkippedByMape").asLong() > 0, summary.toString());
        JsonNode m = summary.path("overall").path("model");
        for (String metric : List.of("MAE", "MAPE", "sMAPE", "MASE")) {
            assertTrue(m.path(metric).isNumber() && Double.isFinite(m.path(metric).asDouble()), metric + ": " + m);
        }
        assertTrue(summary.path("probabilistic").path("model").path("WQL").isNumber(), summary.toString());
    }
}
