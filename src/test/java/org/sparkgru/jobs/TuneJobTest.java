package org.sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.UserError;
import org.sparkgru.ml.Leaderboard;
import org.sparkgru.model.GruModel;
import org.sparkgru.model.ModelStore;
import org.sparkgru.testing.SparkTests;
import picocli.CommandLine;

/** The search job end to end on the shared {@code local[2,4]} session, on data whose best configuration is known. */
class TuneJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /**
     * Eight hourly series that are a pure daily season plus noise of 5% of its amplitude: with a few iterations the
     * head's output is still mostly its initialization, so a network on top of seasonal naive is close to seasonal
     * naive and one without a baseline (predicting the scaled target itself) is far off.
     */
    private Path seasonal() throws IOException {
        Random rnd = new Random(11);
        List<String> rows = new ArrayList<>(List.of("series,t,value"));
        java.time.Instant start = java.time.Instant.parse("2026-01-01T00:00:00Z");
        for (int s = 0; s < 8; s++) {
            double level = 100 + 50 * s;
            double amp = 0.4 * level;
            double phase = 2 * Math.PI * rnd.nextDouble();
            for (int t = 0; t < 240; t++) {
                rows.add("s" + s + "," + start.plusSeconds(3600L * t) + "," + (level + amp * Math.sin(2 * Math.PI * t / 24 + phase)
                        + 0.05 * amp * rnd.nextGaussian()));
            }
        }
        Path csv = tmp.resolve("season.csv");
        Files.write(csv, rows);
        return csv;
    }

    private static final List<String> SMALL = List.of("--set", "data.time=t", "--set", "model.hidden=4", "--set", "train.iterations=3", "--set", "train.validationEvery=3",
            "--set", "train.batchSize=32", "--set", "train.checkpointEvery=0");

    private TuneJob job(Path input, String model, String... extra) {
        List<String> args = new ArrayList<>(List.of("--input", input.toString(), "--model", model));
        args.addAll(SMALL);
        args.addAll(List.of(extra));
        TuneJob job = new TuneJob();
        new CommandLine(job).parseArgs(args.toArray(String[]::new));
        return job;
    }

    private static Leaderboard run(TuneJob job) throws IOException {
        return job.run(SparkTests.session(), job.plan());
    }

    /**
     * A grid of 4 trials, two of them with a lookback longer than every series: seasonal naive under the network
     * wins, no baseline comes second, the two failed trials are recorded with their message, and the winner is
     * the model at --model, its overrides in its stored configuration.
     */
    @Test
    void theGridFindsTheKnownBestTrialAndInstallsIt() throws IOException {
        Path input = seasonal();
        String model = tmp.resolve("tuned").toString();
        Path space = tmp.resolve("space.conf");
        Files.writeString(space, "\"model.baseline\" = [none, seasonal-naive]\nmodel { lookback = [48, 2000] }\n");
        Leaderboard board = run(job(input, model, "--space", space.toString()));

        List<Leaderboard.Entry> ranked = board.ranked();
        // grid order: keys alphabetically, the last varying fastest
        assertEquals(List.of(3, 1, 2, 4), ranked.stream().map(e -> e.trial().number()).toList());
        assertEquals("model.baseline=\"seasonal-naive\", model.lookback=48", ranked.get(0).trial().describe());
        assertTrue(ranked.get(0).metric(org.sparkgru.config.TuningMetric.MASE)
                < 0.5 * ranked.get(1).metric(org.sparkgru.config.TuningMetric.MASE), ranked.toString());
        assertTrue(ranked.get(2).failure().contains("too short"), ranked.get(2).failure());

        JsonNode json = JSON.readTree(Path.of(model, "tuning", "leaderboard.json").toFile());
        assertEquals(3, json.get("best").asInt());
        assertEquals(2, json.get("parallel").asInt(), "the default on two cores: at least two at once");
        JsonNode first = json.at("/trials/0");
        assertEquals("ok", first.get("status").asText());
        assertEquals("seasonal-naive", first.at("/overrides/model.baseline").asText());
        assertEquals(48, first.at("/overrides/model.lookback").asInt());
        assertEquals("trials/003", first.get("directory").asText());
        for (String m : List.of("mae", "rmse", "smape", "mase")) {
            assertTrue(first.at("/metrics/" + m).asDouble() > 0, m);
        }
        assertTrue(first.at("/baselines/seasonalNaive/mase").asDouble() > 0);
        assertTrue(first.at("/metrics/mase").asDouble() < first.at("/baselines/naive/mase").asDouble(), first.toString());
        assertEquals(3, first.get("iterations").asInt());
        JsonNode failed = json.at("/trials/2");
        assertEquals("failed", failed.get("status").asText());
        assertTrue(failed.get("failure").asText().contains("too short for lookback + horizon = 2012"),
                failed.toString());
        String html = Files.readString(Path.of(model, "tuning", "report.html"));
        assertTrue(html.contains("<table id=\"leaderboard\">") && html.contains("model.baseline = &quot;seasonal-naive&quot;"),
                html);

        // the best trial is the model: complete, its overrides stored, jobs/forecast.sh reads it
        assertTrue(Files.exists(Path.of(model, "_SUCCESS")));
        assertTrue(Files.exists(Path.of(model, "report", "_SUCCESS")));
        assertFalse(Files.exists(Path.of(model, "checkpoints")));
        assertTrue(Files.exists(Path.of(model, "tuning", "trials", "001", "_SUCCESS")));
        GruModel m = ModelStore.load(model, new Configuration());
        assertEquals("seasonal-naive", m.metadata().at("/configuration/model/baseline").asText());
        assertEquals(48, m.metadata().at("/configuration/model/lookback").asInt());
        assertEquals(4, m.metadata().at("/configuration/model/hidden").asInt(), "the --set keys too");
        assertTrue(board.summary().startsWith("best of 4 trials (2 failed): trial 3 (model.baseline=\"seasonal-naive\","
                + " model.lookback=48), validation-tail MASE "), board.summary());

        ForecastJob forecast = new ForecastJob();
        String out = tmp.resolve("forecasts").toString();
        new CommandLine(forecast).parseArgs("--model", model, "--input", input.toString(), "--output", out);
        assertEquals(0, forecast.call());
        assertEquals(8 * 12, SparkTests.session().read().parquet(out + "/forecasts").count());

        UserError again = assertThrows(UserError.class, () -> run(job(input, model, "--grid",
                "model.hidden=[4]")));
        assertTrue(again.getMessage().contains("already holds a complete model"), again.getMessage());
    }

    /** Every trial failing stops the search with one message (exit 2), after writing the leaderboard. */
    @Test
    void allTrialsFailingIsAUserErrorWithTheFirstReason() throws IOException {
        Path input = seasonal();
        String model = tmp.resolve("none").toString();
        UserError e = assertThrows(UserError.class, () -> run(job(input, model, "--grid",
                "model.lookback=[1000, 2000]")));
        assertTrue(e.getMessage().startsWith("all 2 trials failed; trial 1 (model.lookback=1000): no series to train"
                + " on"), e.getMessage());
        assertTrue(Files.exists(Path.of(model, "tuning", "leaderboard.json")));
        assertFalse(Files.exists(Path.of(model, "_SUCCESS")));
    }

    private static String refused(String... args) {
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--input", "data-samples/hourly.csv", "--model", "target/unused"));
        all.addAll(List.of(args));
        assertEquals(2, JobRunner.run(new TuneJob(), new PrintWriter(err, true), all.toArray(String[]::new)),
                err.toString());
        return err.toString().strip();
    }

    /** Bad spaces and options stop the job before Spark starts, each with one message naming key and value. */
    @Test
    void everySearchOptionIsValidatedWithOneMessage() throws IOException {
        assertEquals("error: --grid: unknown configuration key 'model.hiden' (model.hiden = [16,32]); the keys are"
                + " those of conf/train.conf", refused("--grid", "model.hiden=[16, 32]"));
        assertEquals("error: --grid: model.hidden=0: model.hidden = 0 is out of range; allowed 1 to 4096",
                refused("--grid", "model.hidden=[16, 0]"));
        assertTrue(refused("--grid", "model.baseline=[naive, seasonal]").startsWith(
                "error: --grid: model.baseline=\"seasonal\": model.baseline = 'seasonal'"));
        assertEquals("error: --strategy grid cannot enumerate the range train.learningRate (--grid); list its values,"
                + " e.g. train.learningRate = [1.0E-4, 0.01], or use --strategy random",
                refused("--grid", "train.learningRate={min=1e-4, max=1e-2, scale=log}"));
        assertEquals("error: --strategy grid: the grid has 6 points, more than --trials 4; raise --trials to 6, list"
                + " fewer values, or use --strategy random for a sample",
                refused("--grid", "model.hidden=[4, 8, 16]", "--grid", "model.layers=[1, 2]", "--trials", "4"));
        assertEquals("error: --grid: train.learningRate = {\"max\":0.01,\"min\":0,\"scale\":\"log\"}: scale = log"
                + " needs min > 0", refused("--strategy", "random", "--grid",
                "train.learningRate={min=0, max=1e-2, scale=log}"));
        assertEquals("error: --grid: model.hidden = {\"max\":64.5,\"min\":8}: model.hidden takes whole numbers; give"
                + " whole min and max", refused("--strategy", "random", "--grid", "model.hidden={min=8, max=64.5}"));
        assertEquals("error: --grid: model.variant = {\"max\":2,\"min\":1} is a range, but model.variant is not a"
                + " number; list its values instead, e.g. model.variant = [a, b]",
                refused("--strategy", "random", "--grid", "model.variant={min=1, max=2}"));
        assertEquals("error: --strategy tree is not a strategy; choose grid or random",
                refused("--strategy", "tree", "--grid", "model.hidden=[4]"));
        assertEquals("error: --metric mape is not a metric; choose one of mase, smape, mae, rmse",
                refused("--metric", "mape", "--grid", "model.hidden=[4]"));
        assertEquals("error: --trials 0 is out of range; allowed 1 to 10000",
                refused("--trials", "0", "--grid", "model.hidden=[4]"));
        assertEquals("error: --parallel 0 is out of range; allowed 1 to 256",
                refused("--parallel", "0", "--grid", "model.hidden=[4]"));
        assertEquals("error: the search space is empty; give --space FILE or --grid 'key=[v1, v2]'", refused());
        // a combination no single value shows: seasonal naive needs a lookback of a season
        assertEquals("error: trial 3 (model.baseline=\"seasonal-naive\", model.lookback=12): model.baseline ="
                + " seasonal-naive needs model.lookback >= model.season; got lookback 12 and season 24; raise"
                + " model.lookback or choose another baseline", refused("--set", "model.season=24", "--grid",
                "model.baseline=[naive, seasonal-naive]", "--grid", "model.lookback=[12, 48]"));
        Path space = tmp.resolve("bad.conf");
        Files.writeString(space, "train { learningRate = {min = 1e-4, max = 1e-2, scale = cubic} }");
        assertTrue(refused("--strategy", "random", "--space", space.toString()).endsWith(": scale = cubic is not"
                + " allowed; choose linear or log"));
        assertEquals("error: --space " + tmp.resolve("missing.conf") + " does not exist or is not a file",
                refused("--space", tmp.resolve("missing.conf").toString()));
    }
}
