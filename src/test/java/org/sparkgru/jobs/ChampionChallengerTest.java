package org.sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.metrics.ErrorSums;
import org.sparkgru.testing.SparkTests;

/**
 * {@code evaluate.sh --model NEW --against OLD [--require-better METRIC]}: both models on the same series and
 * origins, side by side, each equal to its own backtest, and the exit status a pipeline gates on.
 */
class ChampionChallengerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SAMPLE = "data-samples/hourly.csv";

    @TempDir
    static Path tmp;

    private static String champion;
    private static String challenger;

    @BeforeAll
    static void trainTwoModels() {
        SparkTests.session();
        champion = tmp.resolve("champion").toString();
        challenger = tmp.resolve("challenger").toString();
        train(champion, "model.lookback=24", "model.hidden=8", "train.iterations=20");
        train(challenger, "model.lookback=48", "model.hidden=16", "train.iterations=60");
    }

    private static void train(String model, String... sets) {
        List<String> args = new ArrayList<>(List.of("--input", SAMPLE, "--model", model, "--set", "model.horizon=12",
                "--set", "train.checkpointEvery=0"));
        for (String s : sets) {
            args.addAll(List.of("--set", s));
        }
        assertEquals(0, JobRunner.run(new TrainJob(), new PrintWriter(new StringWriter(), true),
                args.toArray(String[]::new)));
    }

    /** Exit status of an evaluation writing its report to {@code report}. */
    private static int evaluate(String report, String... more) {
        List<String> args = new ArrayList<>(List.of("--input", SAMPLE, "--origins", "2", "--report", report));
        args.addAll(List.of(more));
        StringWriter err = new StringWriter();
        int code = JobRunner.run(new EvaluateJob(), new PrintWriter(err, true), args.toArray(String[]::new));
        assertTrue(code == 0 || code == EvaluateJob.NOT_BETTER, "status " + code + ": " + err);
        return code;
    }

    private static JsonNode summary(String report) throws IOException {
        return JSON.readTree(Path.of(report, "summary.json").toFile());
    }

    @Test
    void bothModelsOnTheSameSeriesAndOriginsEachAsItsOwnBacktest() throws IOException {
        String alone = tmp.resolve("challenger-alone").toString();
        String oldAlone = tmp.resolve("champion-alone").toString();
        String both = tmp.resolve("both").toString();
        evaluate(alone, "--model", challenger);
        evaluate(oldAlone, "--model", champion);
        int code = evaluate(both, "--model", challenger, "--against", champion, "--require-better", "mase");

        JsonNode s = summary(both);
        JsonNode a = summary(alone);
        JsonNode o = summary(oldAlone);
        assertEquals(List.of("model", "against", "naive", "seasonal_naive"),
                iterable(s.get("overall").fieldNames()));
        assertTrue(s.get("against").asText().endsWith("champion"), s.toString());
        assertEquals(a.get("evaluatedSeries").asInt(), s.get("evaluatedSeries").asInt(),
                "both lookbacks fit every series the longer one fits");
        for (String metric : ErrorSums.NAMES) {
            assertEquals(a.at("/overall/model/" + metric).asDouble(), s.at("/overall/model/" + metric).asDouble(),
                    0.0, metric + " of the new model");
            assertEquals(o.at("/overall/model/" + metric).asDouble(), s.at("/overall/against/" + metric).asDouble(),
                    0.0, metric + " of the old model");
            assertEquals(a.at("/overall/naive/" + metric).asDouble(), s.at("/overall/naive/" + metric).asDouble(),
                    0.0, metric + " of naive");
        }
        double mine = s.at("/overall/model/MASE").asDouble();
        double theirs = s.at("/overall/against/MASE").asDouble();
        assertNotEquals(mine, theirs);
        assertEquals(mine < theirs ? 0 : EvaluateJob.NOT_BETTER, code, "MASE " + mine + " against " + theirs);
        assertEquals(mine < theirs ? EvaluateJob.NOT_BETTER : 0, evaluate(tmp.resolve("reversed").toString(),
                "--model", champion, "--against", challenger, "--require-better", "MASE"), "the other way round");

        var rows = SparkTests.session().read().parquet(both + "/metrics").where("series = 's0000'").first();
        assertEquals(rows.getDouble(rows.fieldIndex("against_mae")), SparkTests.session().read()
                .parquet(oldAlone + "/metrics").where("series = 's0000'").first().getDouble(rows.fieldIndex("model_mae")),
                0.0, "per series too");
        String html = Files.readString(Path.of(both, "report.html"));
        assertTrue(html.contains("<tr><td>against " + s.get("against").asText() + "</td>"), "the table's row");
        assertTrue(Files.exists(Path.of(both, "_SUCCESS")), "a model that is not better still gets its report");
    }

    /** A model is never better than itself: the gate is strict. */
    @Test
    void aModelAgainstItselfIsNotBetter() {
        assertEquals(EvaluateJob.NOT_BETTER, evaluate(tmp.resolve("self").toString(), "--model", champion,
                "--against", champion, "--require-better", "MAE"));
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }
}
