package org.sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.io.AtomicFiles;
import org.sparkgru.io.DirectoryLock;
import org.sparkgru.UserError;
import org.sparkgru.model.GruModel;
import org.sparkgru.model.ModelStore;
import org.sparkgru.testing.SparkTests;

/**
 * The catalogue of inputs a user can get wrong, each run through the job's command line ({@link JobRunner}, as
 * {@code jobs/*.sh} do): a refused run exits with status 2 and one line {@code error: ...} naming the problem and
 * what to do, and leaves no output that looks complete (no {@code _SUCCESS}, no damaged previous output); inputs the
 * data policies handle exit 0 and are counted in the model's data-quality report.
 */
class BadInputTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String HEADER = "series,timestamp,value";

    @TempDir
    Path tmp;

    /** Exit status and stderr of one job run. */
    private record Outcome(int code, String err) {
    }

    @BeforeAll
    static void defaultSession() {
        SparkTests.session(); // the jobs borrow the suite's session instead of starting their own
    }

    private static Outcome run(Callable<Integer> job, List<String> args) {
        StringWriter err = new StringWriter();
        int code = JobRunner.run(job, new PrintWriter(err, true), args.toArray(String[]::new));
        return new Outcome(code, err.toString().strip());
    }

    private Outcome train(Path input, String... extra) {
        List<String> args = new ArrayList<>(List.of("--input", input.toString(), "--format", "csv", "--model",
                model().toString(), "--set", "train.iterations=3", "--set", "model.hidden=4", "--set",
                "model.lookback=6", "--set", "model.horizon=2", "--set", "train.checkpointEvery=0"));
        for (String s : extra) {
            args.addAll(s.startsWith("--") ? List.of(s) : List.of("--set", s));
        }
        return run(new TrainJob(), args);
    }

    private Path model() {
        return tmp.resolve("model");
    }

    private Path csv(String name, String header, List<String> rows) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(header);
        lines.addAll(rows);
        return Files.write(tmp.resolve(name), lines);
    }

    private static String at(int hour) {
        return T0.plusSeconds(3600L * hour).toString();
    }

    private static List<String> hourly(String id, int n, double level) {
        List<String> rows = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            rows.add(id + "," + at(t) + "," + (level * (1 + 0.1 * Math.sin(t))));
        }
        return rows;
    }

    /** Exit 2, the message (after {@code error: }) starts with {@code message}, and {@code output} is not complete. */
    private static void assertRefused(Outcome o, String message, Path output) {
        assertEquals(UserError.EXIT_CODE, o.code(), o.err());
        assertTrue(o.err().startsWith("error: " + message), o.err());
        assertEquals(1, o.err().lines().count(), "one message line: " + o.err());
        assertFalse(Files.exists(output.resolve(AtomicFiles.SUCCESS)), "no complete-looking output in " + output);
    }

    private JsonNode quality() throws IOException {
        return ModelStore.load(model().toString(), new Configuration()).metadata().get("dataQuality");
    }

    private void assertTrained(Outcome o) {
        assertEquals(0, o.code(), o.err());
        assertTrue(Files.exists(model().resolve(AtomicFiles.SUCCESS)));
    }

    // ---------------------------------------------------------------- input

    @Test
    void missingPath() {
        Path nowhere = tmp.resolve("nowhere.csv");
        Outcome o = train(nowhere);
        assertRefused(o, "cannot read " + nowhere, model());
        assertTrue(o.err().contains("does not exist"), o.err());
    }

    @Test
    void aModelPathThatIsAFileOrCannotBeWrittenIsRefusedBeforeTraining() throws IOException {
        Path file = Files.writeString(tmp.resolve("plain-file"), "not a directory");
        Path good = csv("good.csv", HEADER, hourly("a", 30, 10));
        for (String resume : List.of("--overwrite", "--resume")) {
            Outcome o = run(new TrainJob(), List.of("--input", good.toString(), "--format", "csv", "--model",
                    file.toString(), resume));
            assertRefused(o, "--model " + file + " is a file; give a directory (existing or new)", tmp.resolve("x"));
        }
        Path below = file.resolve("model");
        Outcome o = run(new TrainJob(), List.of("--input", good.toString(), "--format", "csv", "--model",
                below.toString()));
        assertRefused(o, "--model " + below + " cannot be written (", tmp.resolve("x"));
        assertTrue(o.err().endsWith("choose a location you can write to"), o.err());
        assertEquals("not a directory", Files.readString(file), "the file is left alone");
    }

    @Test
    void aWarmStartFromAnUnfinishedModelOrAnotherArchitectureIsRefused() throws IOException {
        Path good = csv("good.csv", HEADER, hourly("a", 30, 10));
        Path unfinished = Files.createDirectories(tmp.resolve("unfinished"));
        Files.writeString(unfinished.resolve("model.json"), "{}");
        Path child = tmp.resolve("child");
        List<String> args = List.of("--input", good.toString(), "--format", "csv", "--model", child.toString(),
                "--set", "model.lookback=6", "--set", "model.horizon=2");
        List<String> unfinishedParent = new ArrayList<>(args);
        unfinishedParent.addAll(List.of("--init-from", unfinished.toString()));
        assertRefused(run(new TrainJob(), unfinishedParent), "--init-from " + unfinished
                + " is not a complete model (no _SUCCESS", child);
        List<String> noParent = new ArrayList<>(args);
        noParent.add("--keep-scalers");
        assertRefused(run(new TrainJob(), noParent), "--keep-scalers keeps the scalers of the model given with"
                + " --init-from", child);
        assertTrained(train(good));
        List<String> other = new ArrayList<>(args);
        other.addAll(List.of("--set", "model.hidden=5", "--init-from", model().toString()));
        Outcome o = run(new TrainJob(), other);
        assertRefused(o, "--init-from " + model() + ": the architecture differs (model.hidden = 5 here, 4 in the"
                + " parent)", child);
        assertFalse(Files.exists(child), "nothing written");
    }

    @Test
    void aChallengerAgainstAModelOfAnotherHorizonOrTargetOrWithoutAGateMetricIsRefused() throws IOException {
        List<String> rows = new ArrayList<>();
        for (String r : hourly("a", 30, 10)) {
            rows.add(r + ",1.5");
        }
        Path good = csv("two-targets.csv", HEADER + ",other", rows);
        assertTrained(train(good));
        Path otherHorizon = tmp.resolve("horizon3");
        Path otherTarget = tmp.resolve("other-target");
        for (List<String> extra : List.of(List.of("--model", otherHorizon.toString(), "--set", "model.horizon=3"),
                List.of("--model", otherTarget.toString(), "--set", "model.horizon=2", "--set", "data.target=other"))) {
            List<String> args = new ArrayList<>(List.of("--input", good.toString(), "--set", "train.iterations=2",
                    "--set", "model.hidden=4", "--set", "model.lookback=6"));
            args.addAll(extra);
            assertEquals(0, run(new TrainJob(), args).code());
        }
        Path report = tmp.resolve("report");
        List<String> base = List.of("--model", model().toString(), "--input", good.toString(), "--report",
                report.toString());
        List<String> a = new ArrayList<>(base);
        a.addAll(List.of("--against", otherHorizon.toString()));
        assertRefused(run(new EvaluateJob(), a), "--against " + otherHorizon + " forecasts 3 steps and --model "
                + model() + " 2; champion and challenger need the same model.horizon", report);
        List<String> b = new ArrayList<>(base);
        b.addAll(List.of("--against", otherTarget.toString()));
        assertRefused(run(new EvaluateJob(), b), "--against " + otherTarget + " was trained on the columns (id, time,"
                + " target) = [series, timestamp, other] and --model " + model() + " on [series, timestamp, value]",
                report);
        List<String> c = new ArrayList<>(base);
        c.addAll(List.of("--require-better", "MASE"));
        assertRefused(run(new EvaluateJob(), c), "--require-better compares the --model with the model given with"
                + " --against", report);
        List<String> d = new ArrayList<>(base);
        d.addAll(List.of("--against", model().toString(), "--require-better", "R2"));
        assertRefused(run(new EvaluateJob(), d), "--require-better 'R2' is not a metric; choose MAE, RMSE, MAPE,"
                + " sMAPE, MASE", report);
        assertFalse(Files.exists(report), "nothing written");
    }

    @Test
    void timestampsWithoutAnOffsetAreReadInDataTimeZoneWhateverTheSessionZone() throws IOException {
        // hourly rows across the US spring-forward of 2026-03-08, written without an offset: read in New York time
        // the hour 02:00 does not exist, and two rows would fall on 03:00
        List<String> rows = new ArrayList<>();
        java.time.LocalDateTime t0 = java.time.LocalDateTime.parse("2026-03-07T12:00:00");
        for (int t = 0; t < 40; t++) {
            rows.add("a," + t0.plusHours(t).toString().replace('T', ' ') + ":00," + (10 + Math.sin(t)));
        }
        Path input = csv("no-offset.csv", HEADER, rows);
        var conf = SparkTests.session().conf();
        String before = conf.get("spark.sql.session.timeZone");
        conf.set("spark.sql.session.timeZone", "America/New_York");
        try {
            assertTrained(train(input));
            JsonNode q = quality();
            assertEquals(0, q.get("duplicatesResolved").asInt(), "no hour read twice");
            assertEquals(0, q.get("gapsFilled").asInt(), "no hour lost");
            assertEquals("UTC", ModelStore.load(model().toString(), new Configuration()).metadata()
                    .at("/data/timeZone").asText(), "the zone is stored with the model");
        } finally {
            conf.set("spark.sql.session.timeZone", before);
        }
        assertRefused(train(input, "data.timeZone=Mars/Olympus", "--overwrite"), "data.timeZone = 'Mars/Olympus'"
                + " (--set data.timeZone) is not a time zone; use a region such as Europe/Berlin", tmp.resolve("x"));
    }

    @Test
    void aStrayFileInAParquetInputIsRefusedNotSkipped() throws IOException {
        Path dataset = tmp.resolve("dataset");
        try (Stream<Path> files = Files.walk(Path.of("data-samples/hourly.parquet"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dataset.resolve(Path.of("data-samples/hourly.parquet").relativize(f).toString()));
            }
        }
        Path stray = Files.writeString(dataset.resolve("README.txt"), "exported from the warehouse on Monday");
        Outcome o = run(new TrainJob(), List.of("--input", dataset.toString(), "--model", model().toString()));
        assertRefused(o, "input " + dataset + " holds file:" + stray + ", which is not a .parquet file; remove it",
                model());
        Files.delete(stray);
        assertTrained(run(new TrainJob(), List.of("--input", dataset.toString(), "--model", model().toString(),
                "--set", "train.iterations=2", "--set", "model.hidden=4", "--set", "train.checkpointEvery=0")));
    }

    @Test
    void emptyDataset() throws IOException {
        assertRefused(train(csv("empty.csv", HEADER, List.of())), "the input has no rows; check --input or --table",
                model());
    }

    @Test
    void missingOrMisnamedColumns() throws IOException {
        Path p = csv("renamed.csv", "series,ts,value", hourly("a", 30, 10));
        assertRefused(train(p), "column 'timestamp' is not in the input; it has series, ts, value", model());
        assertRefused(train(p, "data.time=ts", "data.features=[price]"),
                "column 'price' is not in the input; it has series, ts, value", model());
        assertRefused(train(p, "data.time=ts", "data.futureFeatures=[promo]"),
                "column 'promo' is not in the input; it has series, ts, value", model());
    }

    @Test
    void overlappingCovariateListsAreRefused() throws IOException {
        Path p = csv("promo.csv", "series,timestamp,value", hourly("a", 30, 10));
        assertRefused(train(p, "data.features=[promo]", "data.futureFeatures=[promo]"),
                "data.futureFeatures lists 'promo', which data.features lists too; a known-future covariate is"
                        + " already an input at every lookback step, so remove it from data.features", model());
        assertRefused(train(p, "data.futureFeatures=[value]"), "data.futureFeatures lists 'value', which is already"
                + " the id, time or target column; list covariates only", model());
        assertRefused(train(p, "data.features=[promo]", "data.staticFeatures=[promo]"), "data.staticFeatures lists"
                + " 'promo', which data.features lists too; a column is either a per-step covariate or a per-series"
                + " static one: remove it from one", model());
        assertRefused(train(p, "data.staticFeatures=[series]"), "data.staticFeatures lists 'series', which is"
                + " already the id, time or target column; list per-series attributes only", model());
    }

    @Test
    void nonNumericTarget() throws IOException {
        List<String> rows = hourly("a", 30, 10);
        rows.set(15, "a," + at(15) + ",not-a-number");
        assertRefused(train(csv("text.csv", HEADER, rows)),
                "column 'value' has type string but must be numeric (it is the target, or listed in data.features or"
                        + " data.futureFeatures)", model());
    }

    @Test
    void timestampsThatDoNotParse() throws IOException {
        assertRefused(train(csv("strings.csv", HEADER, List.of("a,yesterday,1", "a,today,2"))),
                "time column 'timestamp' has type string; it must be a timestamp, a date or an integer index"
                        + " (cast strings with to_timestamp first)", model());
    }

    private Path withMissingValues() throws IOException {
        List<String> rows = new ArrayList<>(hourly("a", 40, 10));
        rows.set(10, "a," + at(10) + ",");       // null
        rows.set(20, "a," + at(20) + ",NaN");
        rows.set(30, "a," + at(30) + ",Inf");
        rows.addAll(hourly("b", 40, 5));
        return csv("missing.csv", HEADER, rows);
    }

    @Test
    void nullNanAndInfiniteTargetsUnderTheErrorPolicy() throws IOException {
        assertRefused(train(withMissingValues()), "1 series have data errors under the configured policies; first:"
                + " series 'a' has a null, NaN or infinite value at time 2026-01-01T10:00:00Z; clean the input or set"
                + " data.missing = drop or interpolate", model());
    }

    @Test
    void nullNanAndInfiniteTargetsAreDroppedAndCounted() throws IOException {
        assertTrained(train(withMissingValues(), "data.missing=drop"));
        JsonNode q = quality();
        assertEquals(3, q.get("droppedMissing").asInt());
        assertEquals(0, q.get("interpolatedMissing").asInt());
        assertEquals("a", q.at("/examples/droppedMissing/0").asText());
        assertEquals(3, q.get("gapsFilled").asInt(), "dropped points leave gaps the gap policy fills");
    }

    @Test
    void nullNanAndInfiniteTargetsAreInterpolatedAndCounted() throws IOException {
        assertTrained(train(withMissingValues(), "data.missing=interpolate"));
        JsonNode q = quality();
        assertEquals(0, q.get("droppedMissing").asInt());
        assertEquals(3, q.get("interpolatedMissing").asInt());
        assertEquals("a", q.at("/examples/interpolatedMissing/0").asText());
    }

    @Test
    void rowsWithANullSeriesIdOrTimeAreRefusedOrDroppedAndCountedNeverIgnored() throws IOException {
        List<String> rows = new ArrayList<>(hourly("a", 30, 10));
        rows.add("," + at(5) + ",3.0");
        rows.add("a,,4.0");
        Path input = csv("null-keys.csv", HEADER, rows);
        Outcome o = train(input);
        assertRefused(o, "2 series have data errors under the configured policies; first: 1 row(s) have a null"
                + " series id; clean the input or set data.missing = drop", model());
        assertTrue(o.err().contains("series 'a' has 1 row(s) with a null time"), o.err());
        assertTrained(train(input, "data.missing=drop"));
        JsonNode q = quality();
        assertEquals(1, q.get("rowsWithoutSeriesId").asInt(), q.toString());
        assertEquals(1, q.get("droppedMissing").asInt(), "the row without a time is dropped and counted");
        assertEquals(1, q.get("series").asInt());
    }

    @Test
    void duplicateTimestamps() throws IOException {
        List<String> rows = new ArrayList<>(hourly("a", 30, 10));
        rows.add("a," + at(7) + ",99");
        Path p = csv("dups.csv", HEADER, rows);
        assertRefused(train(p), "1 series have data errors under the configured policies; first: series 'a'", model());
        assertTrue(train(p).err().contains("data.duplicates"), "the message names the policy key");
        assertTrained(train(p, "data.duplicates=last"));
        assertEquals(1, quality().get("duplicatesResolved").asInt());
    }

    @Test
    void irregularSpacing() throws IOException {
        List<String> rows = new ArrayList<>(hourly("a", 30, 10));
        rows.add("a," + T0.plusSeconds(3600L * 12 + 1800) + ",7");
        assertRefused(train(csv("irregular.csv", HEADER, rows)), "1 series have data errors under the configured"
                + " policies; first: series 'a' is irregularly spaced: its most common step is 1 hour but the point at"
                + " 2026-01-01T12:30:00Z is off that grid; resample the input to a regular frequency", model());
    }

    @Test
    void gapsUnderTheErrorPolicy() throws IOException {
        List<String> rows = new ArrayList<>(hourly("a", 30, 10));
        rows.subList(10, 14).clear();
        Path p = csv("gaps.csv", HEADER, rows);
        assertRefused(train(p, "data.gaps=error"), "1 series have data errors under the configured policies; first:"
                + " series 'a' misses 4 of its 30 points on its", model());
        assertTrained(train(p));
        assertEquals(4, quality().get("gapsFilled").asInt(), "interpolated by default, and counted");
    }

    @Test
    void aBrokenCsvRow() throws IOException {
        List<String> rows = new ArrayList<>(hourly("a", 30, 10));
        rows.add(15, "a," + at(40) + ",3.5,7,extra");
        assertRefused(train(csv("broken.csv", HEADER, rows)), "the input has a malformed record", model());
    }

    /** Trains on {@code rows} plus a normal hourly series and returns the model's data-quality report. */
    private JsonNode trainWith(String name, List<String> rows) throws IOException {
        List<String> all = new ArrayList<>(hourly("normal", 40, 10));
        all.addAll(rows);
        assertTrained(train(csv(name, HEADER, all)));
        return quality();
    }

    /**
     * The input format comes from the file's extension when --format is not given (a .csv used to be read as
     * Parquet and die with exit 1), and a file named like another format than --format is refused before Spark.
     */
    @Test
    void theInputFormatFollowsTheExtensionAndAMismatchIsRefused() throws IOException {
        Path input = csv("named.csv", HEADER, hourly("a", 40, 10));
        List<String> args = new ArrayList<>(List.of("--input", input.toString(), "--model", model().toString(),
                "--set", "train.iterations=3", "--set", "model.hidden=4", "--set", "model.lookback=6", "--set",
                "model.horizon=2", "--set", "train.checkpointEvery=0"));
        List<String> parquet = new ArrayList<>(args);
        parquet.addAll(List.of("--format", "parquet"));
        assertRefused(run(new TrainJob(), parquet), "input file:" + input + " is named like a csv file, but the input"
                + " format is parquet; pass --format csv", model());
        assertTrained(run(new TrainJob(), args));
    }

    @Test
    void aSeriesOfOnePointIsSkippedAndCounted() throws IOException {
        JsonNode q = trainWith("single.csv", List.of("single," + at(0) + ",5"));
        assertEquals(2, q.get("series").asInt());
        assertEquals(1, q.get("skipped").asInt());
        assertEquals("single (too short: 1 points, needs at least 8)", q.at("/skippedExamples/0").asText());
    }

    @Test
    void anAllConstantSeriesTrainsWithoutDividingByZero() throws IOException {
        List<String> flat = new ArrayList<>();
        for (int t = 0; t < 40; t++) {
            flat.add("flat," + at(t) + ",3");
        }
        JsonNode q = trainWith("flat.csv", flat);
        assertEquals(2, q.get("assembled").asInt());
        GruModel m = ModelStore.load(model().toString(), new Configuration());
        assertTrue(Double.isFinite(m.metadata().at("/training/validationMAE").asDouble()), "per-window scaling");
        List<String> all = new ArrayList<>(hourly("normal", 40, 10));
        all.addAll(flat);
        assertTrained(train(csv("flat-series.csv", HEADER, all), "data.scaling=series", "--overwrite"));
        m = ModelStore.load(model().toString(), new Configuration());
        assertTrue(Double.isFinite(m.metadata().at("/training/validationMAE").asDouble()), "per-series scaling");
        List<org.apache.spark.sql.Row> scaler = SparkTests.session().read().parquet(model() + "/scalers")
                .where("id = 'flat'").collectAsList();
        assertEquals(3f, scaler.get(0).getFloat(scaler.get(0).fieldIndex("mean")));
        assertTrue(scaler.get(0).getFloat(scaler.get(0).fieldIndex("scale")) > 0, "a positive scale for a constant");
    }

    @Test
    void valuesOf1e30KeepTrainingFinite() throws IOException {
        trainWith("huge.csv", hourly("huge", 40, 1e30));
        GruModel m = ModelStore.load(model().toString(), new Configuration());
        for (float w : m.params()) {
            assertTrue(Float.isFinite(w), "finite weights");
        }
        assertTrue(Double.isFinite(m.metadata().at("/training/validationMAE").asDouble()));
    }

    @Test
    void seriesOfDifferentFrequenciesEachGetTheirOwnGrid() throws IOException {
        List<String> daily = new ArrayList<>();
        for (int t = 0; t < 40; t++) {
            daily.add("daily," + T0.plusSeconds(86400L * t) + "," + (20 + t % 7));
        }
        JsonNode q = trainWith("mixed.csv", daily);
        assertEquals(2, q.get("assembled").asInt());
        assertEquals(0, q.get("gapsFilled").asInt(), "no series was put on another's grid");
        assertEquals(List.of("PT24H", "PT1H"), SparkTests.session().read().parquet(model() + "/scalers")
                .orderBy("id").select("frequency").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    }

    // ---------------------------------------------------------------- configuration

    @Test
    void unknownKey() throws IOException {
        assertRefused(train(csv("ok.csv", HEADER, hourly("a", 30, 10)), "model.hiden=8"),
                "unknown configuration key 'model.hiden' (--set model.hiden", model());
    }

    @Test
    void wrongType() throws IOException {
        assertRefused(train(csv("ok.csv", HEADER, hourly("a", 30, 10)), "train.iterations=lots"),
                "train.iterations must be a whole number, got 'lots'", model());
    }

    @Test
    void negativeOrZeroSizes() throws IOException {
        Path p = csv("ok.csv", HEADER, hourly("a", 30, 10));
        assertRefused(train(p, "model.hidden=0"), "model.hidden = 0 is out of range; allowed 1 to 4096", model());
        assertRefused(train(p, "train.batchSize=-5"), "train.batchSize = -5 is out of range; allowed 1 to",
                model());
    }

    @Test
    void quantilesOutsideZeroOneOrUnordered() throws IOException {
        Path p = csv("ok.csv", HEADER, hourly("a", 30, 10));
        assertRefused(train(p, "model.quantiles=[0, 0.5]"), "model.quantiles = '[0,0.5]' (--set model.quantiles) lists 0.0; every quantile must be strictly between 0"
                + " and 1", model());
        assertRefused(train(p, "model.quantiles=[0.5, 1.2]"), "model.quantiles = '[0.5,1.2]' (--set model.quantiles) lists 1.2; every quantile must be strictly between 0"
                + " and 1", model());
        assertRefused(train(p, "model.quantiles=[0.9, 0.5, 0.1]"), "model.quantiles = '[0.9,0.5,0.1]' (--set"
                + " model.quantiles) is not strictly increasing (0.9 then 0.5)",
                model());
    }

    @Test
    void log1pOfNegativeValues() throws IOException {
        List<String> rows = new ArrayList<>(hourly("a", 30, 10));
        rows.set(7, "a," + at(7) + ",-3.5");
        assertRefused(train(csv("negative.csv", HEADER, rows), "data.transform=log1p"), "1 series have data errors"
                + " under the configured policies; first: series 'a' has the value -3.5"
                + " at time " + at(7) + ", which data.transform = log1p cannot take (it needs values >= 0); set"
                + " data.transform = none or remove the negative values", model());
    }

    @Test
    void lookbackAndHorizonLongerThanEverySeries() throws IOException {
        assertRefused(train(csv("short.csv", HEADER, hourly("a", 20, 5)), "model.lookback=30"),
                "no series to train on: 1 series were too short for lookback + horizon = 32", model());
    }

    @Test
    void aModelDirectoryBeingWrittenIsLockedAndAnAbandonedLockIsTakenOver() throws IOException {
        Path good = csv("good.csv", HEADER, hourly("a", 30, 10));
        Path lock = model().resolve(DirectoryLock.NAME);
        org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.getLocal(new Configuration())
                .getRawFileSystem();
        try (DirectoryLock running = DirectoryLock.acquire(fs, new org.apache.hadoop.fs.Path(model().toString()))) {
            Outcome o = train(good);
            assertRefused(o, "model directory " + model() + " is being written by another run ("
                    + System.getProperty("user.name") + " on ", model());
            assertTrue(o.err().contains("wait for it to finish, or if that run is dead remove " + lock), o.err());
            assertTrue(Files.exists(lock), "the running training keeps its lock");
        }
        assertFalse(Files.exists(lock), "released");
        Instant old = Instant.now().minus(java.time.Duration.ofMinutes(10));
        Files.writeString(lock, "{\"owner\":\"ana\",\"host\":\"node7\",\"pid\":4242,\"run\":\"r1\",\"started\":\""
                + old + "\",\"heartbeat\":\"" + old + "\"}");
        assertTrained(train(good));
        assertFalse(Files.exists(lock), "an abandoned lock is taken over, and released at the end");
        String host = java.net.InetAddress.getLocalHost().getHostName();
        Instant now = Instant.now();
        Files.writeString(lock, "{\"owner\":\"ana\",\"host\":\"" + host + "\",\"pid\":" + Long.MAX_VALUE
                + ",\"run\":\"r2\",\"started\":\"" + now + "\",\"heartbeat\":\"" + now + "\"}");
        assertTrained(train(good, "--overwrite"));
        assertFalse(Files.exists(lock), "a fresh lock of a process of this host that is gone is taken over at once");
    }

    @Test
    void aTrainingWhoseLockIsTakenOverStopsWithoutWritingTheModel() throws Exception {
        Path good = csv("good.csv", HEADER, hourly("a", 30, 10));
        Path lock = model().resolve(DirectoryLock.NAME);
        String taker = "{\"owner\":\"ana\",\"host\":\"node7\",\"pid\":42,\"run\":\"r-taker\",\"started\":\""
                + Instant.now() + "\",\"heartbeat\":\"" + Instant.now().plus(java.time.Duration.ofHours(1)) + "\"}";
        // as soon as the training has its lock, another run takes it over (as if the training had stalled)
        Thread takeOver = new Thread(() -> {
            try {
                while (!Files.exists(lock) || !Files.readString(lock).contains("\"run\"")) {
                    Thread.sleep(1);
                }
                Files.writeString(lock, taker);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        takeOver.start();
        Outcome o = train(good);
        takeOver.join();
        assertRefused(o, "the lock of model directory " + model() + " was taken over by another run (ana on node7,"
                + " process 42, run r-taker, started ", model());
        assertTrue(o.err().endsWith("; this run stopped without writing the model; let that run finish, or stop it"
                + " and continue this training with --resume"), o.err());
        assertFalse(Files.exists(model().resolve("model.json")), "no model written");
        assertEquals(taker, Files.readString(lock), "the new holder's lock is left alone");
    }

    @Test
    void aTrainingThatFailsBeforeItsFirstCheckpointLeavesNothingThatBlocksTheRerun() throws IOException {
        Path input = csv("forty.csv", HEADER, hourly("a", 40, 5));
        assertRefused(train(input, "model.lookback=30", "model.horizon=6"), "no series is long enough to train on:"
                + " each needs at least lookback + 2 x horizon = 42 points", model());
        assertFalse(Files.exists(model()), "no partial model directory left behind");
        assertTrained(train(input, "model.lookback=10", "model.horizon=6"));
    }

    @Test
    void anExistingModelIsKeptUnlessOverwriteAndThenOnlyForUsableInput() throws IOException {
        Path good = csv("good.csv", HEADER, hourly("a", 30, 10));
        assertTrained(train(good));
        byte[] before = Files.readAllBytes(model().resolve(ModelStore.WEIGHTS));
        Outcome again = train(good);
        assertEquals(UserError.EXIT_CODE, again.code());
        assertTrue(again.err().startsWith("error: model directory ") && again.err().contains(
                "already holds a complete model; choose another --model, or pass --overwrite"), again.err());
        Outcome bad = train(csv("empty.csv", HEADER, List.of()), "--overwrite");
        assertEquals(UserError.EXIT_CODE, bad.code(), bad.err());
        assertArrayEquals(before, Files.readAllBytes(model().resolve(ModelStore.WEIGHTS)),
                "bad input with --overwrite leaves the previous model as it was");
        assertTrue(Files.exists(model().resolve(AtomicFiles.SUCCESS)));
        assertTrained(train(good, "--overwrite", "train.seed=7"));
        assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(model().resolve(ModelStore.WEIGHTS))));
    }

    // ---------------------------------------------------------------- model files, through the forecast job

    private static Path trained;

    /** A small model trained once with covariate 'temperature' (a copy per test, so each can damage its own). */
    private Path trainedModel() throws IOException {
        synchronized (BadInputTest.class) {
            if (trained == null) {
                Path dir = Files.createTempDirectory("bad-input-model").resolve("m");
                Outcome o = run(new TrainJob(), List.of("--input", "data-samples/hourly.csv", "--format", "csv",
                        "--model", dir.toString(), "--set", "data.features=[temperature]", "--set",
                        "model.hidden=4", "--set", "train.iterations=2", "--set", "train.checkpointEvery=0"));
                assertEquals(0, o.code(), o.err());
                trained = dir;
            }
        }
        Path copy = tmp.resolve("trained");
        try (Stream<Path> files = Files.walk(trained)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, copy.resolve(trained.relativize(f).toString()));
            }
        }
        return copy;
    }

    private Outcome forecast(Path modelDir, String input, String... extra) {
        List<String> args = new ArrayList<>(List.of("--model", modelDir.toString(), "--input", input, "--format",
                "csv", "--output", tmp.resolve("out").toString()));
        args.addAll(List.of(extra));
        return run(new ForecastJob(), args);
    }

    /** The forecast job on {@code m} is refused with a message that starts with {@code file} and holds {@code detail}. */
    private void assertModelRefused(Path m, Path file, String detail) {
        Outcome o = forecast(m, "data-samples/hourly.csv");
        assertRefused(o, file.toString(), tmp.resolve("out"));
        assertTrue(o.err().contains(detail), o.err());
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
    }

    private static void edit(Path file, String from, String to) throws IOException {
        String s = Files.readString(file);
        assertTrue(s.contains(from), "fixture: " + from + " in " + file);
        Files.writeString(file, s.replace(from, to));
    }

    @Test
    void truncatedWeights() throws IOException {
        Path m = trainedModel();
        Path w = m.resolve(ModelStore.WEIGHTS);
        byte[] all = Files.readAllBytes(w);
        Files.write(w, java.util.Arrays.copyOf(all, all.length - 10));
        assertModelRefused(m, w, "the file is truncated or corrupt");
    }

    @Test
    void editedJson() throws IOException {
        Path m = trainedModel();
        edit(m.resolve("model.json"), "\"architecture\"", "\"architecture\" \"oops\"");
        assertModelRefused(m, m.resolve("model.json"), "is not valid JSON");
    }

    @Test
    void wrongFormatVersion() throws IOException {
        Path m = trainedModel();
        edit(m.resolve("model.json"), "\"formatVersion\" : 1", "\"formatVersion\" : 2");
        assertModelRefused(m, m.resolve("model.json"), "has format version 2 but this spark-gru reads version 1");
    }

    @Test
    void aWeightsHeaderClaimingATrillionElementsIsRefusedBeforeAllocation() throws IOException {
        Path m = trainedModel();
        byte[] h = ("{\"gru.0.w_x\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000],\"data_offsets\":[0,"
                + "4000000000000]}}").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + 64).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        Files.write(m.resolve(ModelStore.WEIGHTS), buf.array());
        Runtime rt = Runtime.getRuntime();
        long before = rt.totalMemory() - rt.freeMemory();
        assertModelRefused(m, m.resolve(ModelStore.WEIGHTS), "claims 1000000000000 elements, bytes up to"
                + " 4000000000000 of the data section, but the file holds only 64 data bytes");
        assertTrue(rt.totalMemory() - rt.freeMemory() - before < 1L << 30, "nothing large was allocated");
    }

    @Test
    void aModelTrainedWithOtherFeaturesThanTheInputHas() throws IOException {
        Path m = trainedModel();
        Path input = csv("no-temperature.csv", HEADER, hourly("s0001", 200, 10));
        assertRefused(forecast(m, input.toString()), "the model was trained with covariate 'temperature'"
                + " (data.features = [temperature]) but the input has no such column; it has series, timestamp, value",
                tmp.resolve("out"));
    }

    @Test
    void aModelWithoutItsCompletionMarkerIsRefusedByForecastAndEvaluate() throws IOException {
        Path m = trainedModel();
        Files.delete(m.resolve(AtomicFiles.SUCCESS)); // as a training that is still running or was interrupted
        String message = "model directory " + m + " is not complete (it has no _SUCCESS): its training is still"
                + " running, failed or was interrupted; pass a complete model, or finish the training with"
                + " jobs/train.sh --resume";
        assertRefused(forecast(m, "data-samples/hourly.csv"), message, tmp.resolve("out"));
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
        Path report = tmp.resolve("report");
        assertRefused(run(new EvaluateJob(), List.of("--model", m.toString(), "--input", "data-samples/hourly.csv",
                "--format", "csv", "--report", report.toString())), message, report);
        assertFalse(Files.exists(report), "nothing written");
    }

    @Test
    void anExistingForecastOutputIsKeptUnlessOverwriteAndThenOnlyForAGoodRun() throws IOException {
        Path m = trainedModel();
        Path out = tmp.resolve("out");
        assertEquals(0, forecast(m, "data-samples/hourly.csv").code());
        byte[] summary = Files.readAllBytes(out.resolve("summary.json"));
        Outcome again = forecast(m, "data-samples/hourly.csv");
        assertRefused(again, "output ", tmp.resolve("nothing-here"));
        assertTrue(again.err().endsWith("already exists; choose another --output or pass --overwrite"), again.err());
        Outcome bad = forecast(m, csv("no-temperature.csv", HEADER, hourly("s0001", 200, 10)).toString(),
                "--overwrite");
        assertEquals(UserError.EXIT_CODE, bad.code(), bad.err());
        assertArrayEquals(summary, Files.readAllBytes(out.resolve("summary.json")), "the previous output is intact");
        assertTrue(Files.exists(out.resolve(AtomicFiles.SUCCESS)));
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".staging-")), "no staging left");
        }
        assertEquals(0, forecast(m, "data-samples/hourly.csv", "--overwrite").code());
        assertTrue(Files.exists(out.resolve(AtomicFiles.SUCCESS)));
    }

    @Test
    void aForecastOutputThatCannotBeWrittenIsRefusedBeforeForecasting() throws IOException {
        Path m = trainedModel();
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        Outcome o = run(new ForecastJob(), List.of("--model", m.toString(), "--input", "data-samples/hourly.csv",
                "--format", "csv", "--output", file.resolve("out").toString()));
        assertRefused(o, "--output " + file.resolve("out") + " cannot be written (", tmp.resolve("x"));
        Outcome missing = forecast(m, tmp.resolve("nowhere.csv").toString());
        assertRefused(missing, "cannot read " + tmp.resolve("nowhere.csv") + ": the path does not exist; check"
                + " --input", tmp.resolve("out"));
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
    }

    private static List<String> plus(List<String> args, String... extra) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(extra));
        return all;
    }

    @Test
    void forecastColumnAndDestinationOptionsAreCheckedBeforeForecasting() throws IOException {
        Path m = trainedModel();
        Path out = tmp.resolve("out");
        String sample = "data-samples/hourly.csv";
        assertRefused(forecast(m, sample, "--partition-by", "run_date"), "--partition-by run_date: the forecasts have"
                + " no such column; they have series, timestamp, step, forecast (add one with --add-column"
                + " NAME=VALUE)", out);
        assertRefused(forecast(m, sample, "--add-column", "run=1", "--partition-by", "run,run"), "--partition-by names"
                + " 'run' twice; list each column once", out);
        assertRefused(forecast(m, sample, "--add-column", "run_date"), "--add-column run_date: expected NAME=VALUE,"
                + " such as --add-column run_date=2026-05-01", out);
        assertRefused(forecast(m, sample, "--add-column", "Forecast=x"), "--add-column Forecast=x: the forecasts"
                + " already have a column 'forecast' (series, timestamp, step, forecast); choose another name", out);
        assertRefused(forecast(m, sample, "--set", "data.id=step"), "the input's column 'step' (data.id) has the"
                + " name of a forecast column (step, forecast); rename that input column and set data.id to the new"
                + " name (--set data.id=NAME)", out);
        assertRefused(forecast(m, sample, "--mode", "append"), "--mode applies to --output-table; an existing"
                + " --output directory is replaced with --overwrite", out);
        assertFalse(Files.exists(out), "nothing written");

        List<String> toTable = List.of("--model", m.toString(), "--input", sample, "--format", "csv",
                "--output-table", "never_written");
        assertRefused(run(new ForecastJob(), plus(toTable, "--overwrite")), "--overwrite replaces an --output"
                + " directory; to replace a table pass --mode overwrite", out);
        assertRefused(run(new ForecastJob(), plus(toTable, "--mode", "replace")), "unknown --mode 'replace': choose"
                + " overwrite or append", out);
        assertRefused(run(new ForecastJob(), plus(toTable, "--output-format", "csv")), "--output-format applies to"
                + " --output; a table keeps its own format (a new one gets spark.sql.sources.default, Parquet unless"
                + " configured)", out);
        assertFalse(SparkTests.session().catalog().tableExists("never_written"));

        Path report = tmp.resolve("report");
        assertRefused(run(new EvaluateJob(), List.of("--model", m.toString(), "--input", sample, "--format", "csv",
                "--set", "data.id=points", "--report", report.toString())), "the input's column 'points' (data.id) has"
                + " the name of a metrics column (origins, points, zeroActuals, <method>_mae|rmse|mape|smape|mase,"
                + " <method>_wql, <method>_coverage_<level>, <method>_msis_<level>);"
                + " rename that input column and set data.id to the new name (--set data.id=NAME)", report);
        assertFalse(Files.exists(report), "nothing written");
    }

    @Test
    void anExistingForecastTableIsReplacedOrAppendedOnlyWithAModeAndAnAppendNeedsItsColumns() throws IOException {
        Path m = trainedModel();
        String db = "bad_input_lake";
        SparkTests.session().sql("CREATE DATABASE " + db + " LOCATION '" + tmp.resolve("lake").toUri() + "'");
        try {
            String table = db + ".forecasts";
            List<String> args = List.of("--model", m.toString(), "--input", "data-samples/hourly.csv", "--format",
                    "csv", "--output-table", table);
            Outcome first = run(new ForecastJob(), args);
            assertEquals(0, first.code(), first.err());
            long rows = SparkTests.session().table(table).count();
            assertEquals(11 * 12, rows);
            assertRefused(run(new ForecastJob(), args), "table " + table + " exists; pass --mode overwrite or --mode"
                    + " append", tmp.resolve("none"));
            assertRefused(run(new ForecastJob(), plus(args, "--mode", "append", "--add-column", "run=2")), "table "
                    + table + " has the columns (series string, timestamp timestamp, step int, forecast double) but"
                    + " these forecasts have (series string, timestamp timestamp, step int, forecast double, run"
                    + " string); an append needs the same columns: write to another table, or replace this one with"
                    + " --mode overwrite", tmp.resolve("none"));
            assertEquals(rows, SparkTests.session().table(table).count(), "the table is unchanged");

            // the files of a table whose in-memory catalog is gone (an earlier embedded run) are in the way
            Path orphan = Files.createDirectories(tmp.resolve("lake").resolve("orphan"));
            Files.writeString(orphan.resolve("part-00000.parquet"), "earlier forecasts");
            Outcome o = run(new ForecastJob(), plus(args.subList(0, args.size() - 1), db + ".orphan"));
            assertRefused(o, "cannot write table " + db + ".orphan: [LOCATION_ALREADY_EXISTS] ", tmp.resolve("none"));
            assertTrue(o.err().contains("already exists. Please pick a different table name, or remove the existing"
                    + " location first."), o.err());
            assertEquals("earlier forecasts", Files.readString(orphan.resolve("part-00000.parquet")), "left alone");

            assertRefused(run(new ForecastJob(), plus(args.subList(0, args.size() - 1), "no_such_db.forecasts")),
                    "cannot write table no_such_db.forecasts: [SCHEMA_NOT_FOUND] The schema"
                    + " `spark_catalog`.`no_such_db` cannot be found. Verify the spelling and correctness of the"
                    + " schema and catalog.",
                    tmp.resolve("none"));
            assertRefused(run(new ForecastJob(), plus(args.subList(0, args.size() - 1), "two words")),
                    "cannot write table two words: [PARSE_SYNTAX_ERROR] Syntax error at or near 'words'",
                    tmp.resolve("none"));
        } finally {
            SparkTests.session().sql("DROP DATABASE " + db + " CASCADE");
        }
    }

    /** The sample with one empty target in each of its first {@code refused} series (refused under data.missing). */
    private Path sampleWithEmptyTargets(String name, int refused) throws IOException {
        List<String> lines = new ArrayList<>();
        java.util.Set<String> blanked = new java.util.HashSet<>();
        for (String line : Files.readAllLines(Path.of("data-samples/hourly.csv"))) {
            String[] f = line.split(",");
            if (!f[0].equals("series") && Integer.parseInt(f[0].substring(1)) < refused && blanked.add(f[0])) {
                line = f[0] + "," + f[1] + ",," + f[3];
            }
            lines.add(line);
        }
        return Files.write(tmp.resolve(name), lines);
    }

    @Test
    void aForecastOrEvaluationThatLeavesOutEverySeriesOrMoreThanTheFractionFails() throws IOException {
        Path m = trainedModel();
        Path out = tmp.resolve("out");
        String none = sampleWithEmptyTargets("all-refused.csv", 11).toString();
        assertRefused(forecast(m, none), "no series could be forecast: all 12 series were left out; first: 's0000':"
                + " series 's0000' has a null, NaN or infinite value", out);
        assertFalse(Files.exists(out), "nothing written");
        Path report = tmp.resolve("report");
        assertRefused(run(new EvaluateJob(), List.of("--model", m.toString(), "--input", none, "--format", "csv",
                "--report", report.toString())), "no series could be evaluated: all 12 series were left out", report);
        assertFalse(Files.exists(report), "no report that looks complete");

        String most = sampleWithEmptyTargets("most-refused.csv", 7).toString();
        Outcome partial = forecast(m, most);
        assertRefused(partial, "8 of 12 series (67 %) could not be forecast, more than --max-failed-fraction 0.5"
                + " allows; first: 's0000'", out);
        assertTrue(partial.err().endsWith("raise --max-failed-fraction to accept a partial result"), partial.err());
        assertEquals(0, forecast(m, most, "--max-failed-fraction", "0.7").code(), "a partial result, accepted");
        assertTrue(Files.readString(out.resolve("summary.json")).contains("\"notForecast\" : 8"));
        assertRefused(forecast(m, most, "--max-failed-fraction", "1.5", "--overwrite"),
                "--max-failed-fraction 1.5 is out of range; allowed 0 to 1", tmp.resolve("none"));
    }

    @Test
    void anExistingEvaluationReportIsKeptUnlessOverwriteAndThenOnlyForAGoodRun() throws IOException {
        Path m = trainedModel();
        Path report = tmp.resolve("report");
        List<String> args = List.of("--model", m.toString(), "--input", "data-samples/hourly.csv", "--format", "csv",
                "--report", report.toString());
        assertEquals(0, run(new EvaluateJob(), args).code());
        byte[] summary = Files.readAllBytes(report.resolve("summary.json"));
        Outcome again = run(new EvaluateJob(), args);
        assertEquals(UserError.EXIT_CODE, again.code());
        assertTrue(again.err().endsWith("already exists; choose another --report or pass --overwrite"), again.err());
        Outcome bad = run(new EvaluateJob(), List.of("--model", m.toString(), "--input",
                csv("no-temperature.csv", HEADER, hourly("s0001", 200, 10)).toString(), "--format", "csv",
                "--report", report.toString(), "--overwrite"));
        assertEquals(UserError.EXIT_CODE, bad.code(), bad.err());
        assertArrayEquals(summary, Files.readAllBytes(report.resolve("summary.json")), "the previous report is intact");
        try (Stream<Path> files = Files.list(tmp)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".staging-")), "no staging left");
        }
    }

}
