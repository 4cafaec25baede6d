package org.sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.testing.SparkTests;

/**
 * What a person reads in the log: about 20 progress lines per training plus one per validation, a summary, the
 * configuration in one line, the forecast's and evaluation's stages with counts, and no stack trace for a user
 * error (through the real {@code jobs/train.sh} and {@code conf/log4j2.properties}).
 */
class ReadableLogTest {
    private static final String SAMPLE = "data-samples/hourly.csv";

    @TempDir
    Path tmp;

    /** The INFO lines of spark-gru's loggers while {@code job} runs, as {@code Logger: message}. */
    private static List<String> logOf(Runnable job) {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        StringWriter w = new StringWriter();
        WriterAppender capture = WriterAppender.newBuilder().setName("capture").setTarget(w)
                .setLayout(PatternLayout.newBuilder().withPattern("%c{1}: %m%n").build()).build();
        capture.start();
        LoggerConfig sparkgru = ctx.getConfiguration().getLoggerConfig("org.sparkgru");
        sparkgru.addAppender(capture, Level.INFO, null);
        ctx.updateLoggers();
        try {
            job.run();
        } finally {
            sparkgru.removeAppender("capture");
            ctx.updateLoggers();
            capture.stop();
        }
        return w.toString().lines().toList();
    }

    private static int run(java.util.concurrent.Callable<Integer> job, String... args) {
        return JobRunner.run(job, new PrintWriter(new StringWriter(), true), args);
    }

    @Test
    void trainingForecastAndEvaluationSayWhatTheyDo() {
        SparkTests.session();
        String model = tmp.resolve("model").toString();
        List<String> train = logOf(() -> assertEquals(0, run(new TrainJob(), "--input", SAMPLE, "--model", model,
                "--set", "train.iterations=40", "--set", "train.validationEvery=15", "--set", "model.hidden=8",
                "--set", "model.horizon=12")));
        List<String> progress = train.stream().filter(l -> l.matches("TrainingLoop: iteration \\d+/40 .*")).toList();
        // logEvery auto = 40 / 20 = 2: iterations 2, 4, ..., 40, and the validation at 15
        assertEquals(21, progress.size(), String.join("\n", progress));
        assertTrue(progress.get(7).startsWith("TrainingLoop: iteration 15/40 (37 %) | "), progress.get(7));
        assertTrue(progress.get(7).contains("validation MAE "), progress.get(7));
        assertTrue(progress.get(20).matches("TrainingLoop: iteration 40/40 \\(100 %\\) \\| \\d+:\\d\\d elapsed,"
                + " 0:00 left \\| loss [\\d.]+ \\| validation MAE [\\d.]+ MASE [\\d.]+ \\(iteration 40\\) \\|"
                + " [\\d,]+ windows/s"), progress.get(20));
        assertTrue(progress.get(0).contains("| no validation yet |"), progress.get(0));
        assertTrue(train.stream().anyMatch(l -> l.startsWith("TrainingLoop: training finished (completed 40"
                + " iterations): 40 iterations in ")), String.join("\n", train));
        assertTrue(train.stream().anyMatch(l -> l.startsWith("TrainJob: configuration: data: series/timestamp ->"
                + " value, features [], scaling revin | model: lookback auto, horizon 12, hidden 8, layers 1,")));
        assertTrue(train.stream().noneMatch(l -> l.contains("effective configuration")), "every key at DEBUG only");

        String out = tmp.resolve("forecasts").toString();
        List<String> forecast = logOf(() -> assertEquals(0, run(new ForecastJob(), "--model", model, "--input",
                SAMPLE, "--output", out)));
        assertTrue(forecast.contains("ModelInput: reading " + SAMPLE), String.join("\n", forecast));
        assertTrue(forecast.contains("ModelInput: assembled 11 series (1 left out, first: s0011: too short: 40"
                + " points, needs at least 72)"), String.join("\n", forecast));
        assertTrue(forecast.stream().anyMatch(l -> l.matches("ForecastJob: forecast 11 series 12 steps ahead; writing"
                + " them to .*/forecasts \\(parquet\\)")), String.join("\n", forecast));

        List<String> evaluate = logOf(() -> assertEquals(0, run(new EvaluateJob(), "--model", model, "--input",
                SAMPLE, "--origins", "2")));
        assertTrue(evaluate.contains("Evaluation: backtesting 2 origin(s) of 12 steps, season 24: the model, naive"
                + " and seasonal naive"), String.join("\n", evaluate));
        assertTrue(evaluate.stream().anyMatch(l -> l.matches("Evaluation: evaluated 11 series \\(1 not evaluated\\)")),
                String.join("\n", evaluate));
    }

    /**
     * A malformed CSV row fails a Spark task: Spark's executor and scheduler say so in one line each, without the
     * task's stack trace, and the job ends with its one {@code error:} line, exit 2.
     */
    @Test
    void aUserErrorInsideASparkTaskPrintsNoStackTrace() throws Exception {
        List<String> rows = new ArrayList<>(List.of("series,timestamp,value"));
        for (int t = 0; t < 30; t++) {
            rows.add("a," + java.time.Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3600L * t) + "," + t);
        }
        rows.add(15, "a,2026-01-02T16:00:00Z,3.5,7,extra");
        Path csv = Files.write(tmp.resolve("broken.csv"), rows);
        Process p = new ProcessBuilder("jobs/train.sh", "--input", csv.toString(), "--model",
                tmp.resolve("m").toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), err);
        List<String> lines = err.lines().toList();
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")), err);
        assertEquals(1, lines.stream().filter(l -> l.startsWith("error: ")).count(), err);
        assertTrue(lines.stream().anyMatch(l -> l.matches(".* WARN  TaskSetManager: Lost task .*")), "Spark's own"
                + " line stays: " + err);
    }
}
