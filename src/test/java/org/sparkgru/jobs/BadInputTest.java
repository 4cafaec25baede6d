package org.sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.UserError;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.ml.Training;
import org.sparkgru.model.GruModel;
import org.sparkgru.model.ModelStore;
import org.sparkgru.testing.SparkTests;
import picocli.CommandLine;

/**
 * Inputs a user can get wrong: each ends in one message naming the problem (or, for data the policies handle, in a
 * counted outcome), and a failed run leaves no {@code _SUCCESS}.
 */
class BadInputTest {
    @TempDir
    Path tmp;

    private Training.TrainingRun train(String input, String... sets) throws IOException {
        List<String> args = new ArrayList<>(List.of("--input", input, "--format", "csv", "--model",
                tmp.resolve("model").toString(), "--set", "train.iterations=3", "--set", "model.hidden=4",
                "--set", "model.lookback=6", "--set", "model.horizon=2"));
        for (String s : sets) {
            args.addAll(List.of("--set", s));
        }
        TrainJob job = new TrainJob();
        new CommandLine(job).parseArgs(args.toArray(String[]::new));
        return job.run(SparkTests.session(), TrainConfig.load(job.config, job.sets));
    }

    private Path csv(String name, String header, List<String> rows) throws IOException {
        Path p = tmp.resolve(name);
        List<String> lines = new ArrayList<>();
        lines.add(header);
        lines.addAll(rows);
        Files.write(p, lines);
        return p;
    }

    private static List<String> hourly(String id, int n, double level) {
        List<String> rows = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            rows.add(id + "," + java.time.Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3600L * t) + ","
                    + (level * (1 + 0.1 * Math.sin(t))));
        }
        return rows;
    }

    private void assertNoModel() {
        assertFalse(Files.exists(tmp.resolve("model").resolve("_SUCCESS")), "no complete-looking model");
    }

    @Test
    void missingPathAndEmptyData() throws IOException {
        UserError e = assertThrows(UserError.class, () -> train(tmp.resolve("nowhere.csv").toString()));
        assertTrue(e.getMessage().startsWith("cannot read " + tmp.resolve("nowhere.csv")) && e.getMessage()
                .contains("does not exist"), e.getMessage());
        Path empty = csv("empty.csv", "series,timestamp,value", List.of());
        UserError e2 = assertThrows(UserError.class, () -> train(empty.toString()));
        assertEquals("the input has no rows; check --input or --table", e2.getMessage());
        assertNoModel();
    }

    @Test
    void timestampsThatDoNotParse() throws IOException {
        Path p = csv("strings.csv", "series,timestamp,value", List.of("a,yesterday,1", "a,today,2"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> train(p.toString()));
        assertEquals("time column 'timestamp' has type string; it must be a timestamp, a date or an integer index"
                + " (cast strings with to_timestamp first)", e.getMessage());
        assertNoModel();
    }

    @Test
    void aBrokenCsvRowIsAUserError() throws IOException {
        List<String> rows = new ArrayList<>(hourly("a", 30, 10));
        rows.add(15, "a,2026-01-01T15:30:00Z,3.5,7,extra");
        Path p = csv("broken.csv", "series,timestamp,value", rows);
        UserError e = assertThrows(UserError.class, () -> train(p.toString()));
        assertTrue(e.getMessage().startsWith("the input has a malformed record"), e.getMessage());
        assertNoModel();
        rows.set(15, "a,2026-01-01T15:30:00Z,not-a-number");
        Path q = csv("text.csv", "series,timestamp,value", rows);
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> train(q.toString()));
        assertEquals("column 'value' has type string but must be numeric (it is the target or a listed feature)",
                t.getMessage());
    }

    @Test
    void onePointConstantHugeAndMixedFrequencySeriesAreHandled() throws IOException {
        List<String> rows = new ArrayList<>();
        rows.addAll(hourly("normal", 40, 10));
        rows.addAll(hourly("huge", 40, 1e30));
        rows.add("single,2026-01-01T00:00:00Z,5");
        for (int t = 0; t < 40; t++) {
            rows.add("flat," + java.time.Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3600L * t) + ",3");
            rows.add("daily," + java.time.Instant.parse("2026-01-01T00:00:00Z").plusSeconds(86400L * t) + ","
                    + (20 + t % 7));
        }
        Training.TrainingRun r = train(csv("mixed.csv", "series,timestamp,value", rows).toString());
        GruModel m = ModelStore.load(r.modelDir(), new Configuration());
        JsonNode q = m.metadata().get("dataQuality");
        assertEquals(5, q.get("series").asInt());
        assertEquals(1, q.get("skipped").asInt(), "the one-point series");
        assertTrue(q.at("/skippedExamples/0").asText().startsWith("single (too short: 1 points"));
        for (float w : m.params()) {
            assertTrue(Float.isFinite(w), "values of 1e30 keep training finite");
        }
        assertTrue(Double.isFinite(r.training().bestMetrics()[0]));
    }

    @Test
    void lookbackLongerThanEverySeries() throws IOException {
        Path p = csv("short.csv", "series,timestamp,value", hourly("a", 20, 5));
        UserError e = assertThrows(UserError.class, () -> train(p.toString(), "model.lookback=30"));
        assertTrue(e.getMessage().startsWith("no series to train on: 1 series were too short for lookback + horizon"),
                e.getMessage());
        assertNoModel();
    }
}
