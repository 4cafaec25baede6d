package org.sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.model.ModelStore;
import org.sparkgru.testing.SparkTests;

/**
 * {@code model.nonNegative}: on intermittent counts (mostly zeros) the forecasts are the unclamped model's forecasts
 * clamped at 0, value for value; the network and its training are unchanged.
 */
class NonNegativeTest {
    @TempDir
    Path tmp;

    private String train(Path input, String name, boolean nonNegative) {
        String model = tmp.resolve(name).toString();
        assertEquals(0, JobRunner.run(new TrainJob(), new PrintWriter(new StringWriter(), true), "--input",
                input.toString(), "--model", model, "--set", "model.horizon=12", "--set", "model.lookback=48", "--set",
                "model.hidden=8", "--set", "train.iterations=30", "--set", "train.validationEvery=1000", "--set",
                "train.checkpointEvery=0", "--set", "model.nonNegative=" + nonNegative));
        return model;
    }

    private List<Row> forecast(Path input, String model) {
        String out = tmp.resolve(Path.of(model).getFileName() + "-forecasts").toString();
        assertEquals(0, JobRunner.run(new ForecastJob(), new PrintWriter(new StringWriter(), true), "--model", model,
                "--input", input.toString(), "--output", out));
        return SparkTests.session().read().parquet(out + "/forecasts").orderBy("series", "step").collectAsList();
    }

    @Test
    void forecastsAreTheUnclampedOnesClampedAtZero() throws IOException {
        SparkTests.session();
        List<String> rows = new ArrayList<>(List.of("series,timestamp,value"));
        java.util.Random rnd = new java.util.Random(11);
        for (int s = 0; s < 6; s++) {
            for (int t = 0; t < 300; t++) {
                int v = rnd.nextDouble() < 0.8 ? 0 : 1 + rnd.nextInt(4 + s);
                rows.add("c" + s + "," + java.time.Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3600L * t) + ","
                        + v);
            }
        }
        Path input = Files.write(tmp.resolve("counts.csv"), rows);
        String raw = train(input, "raw", false);
        String clamped = train(input, "clamped", true);
        assertArrayEquals(ModelStore.load(raw, new Configuration()).params(),
                ModelStore.load(clamped, new Configuration()).params(), "the same network and training");
        List<Row> a = forecast(input, raw);
        List<Row> b = forecast(input, clamped);
        assertEquals(6 * 12, b.size());
        int negative = 0;
        for (int i = 0; i < a.size(); i++) {
            double f = a.get(i).getDouble(a.get(i).fieldIndex("forecast"));
            negative += f < 0 ? 1 : 0;
            assertEquals(Math.max(0, f), b.get(i).getDouble(b.get(i).fieldIndex("forecast")), 0.0, "row " + i);
        }
        assertTrue(negative > 0, "the unclamped model forecasts below zero somewhere on these counts");
    }
}
