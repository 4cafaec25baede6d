package org.sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.apache.spark.sql.SparkSession;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.UserError;
import org.sparkgru.io.AtomicFiles;
import org.sparkgru.io.ObjectStores;
import org.sparkgru.model.GruModel;
import org.sparkgru.model.ModelStore;
import org.sparkgru.testing.FaultHooks;
import org.sparkgru.testing.SparkTests;

/**
 * The jobs on {@code s3a://} against an S3-compatible server started here on 127.0.0.1 (s3proxy over a blob store
 * in memory): Parquet input on s3a://; a training with checkpoints, an interrupted one that the forecast job
 * refuses as incomplete and that, resumed from its s3a checkpoint, ends with the weights of the uninterrupted run;
 * forecasts (also with {@code --overwrite}) and an evaluation report written to s3a://, all through the jobs'
 * command lines. Then the commit order of an object store, where a rename is a copy that can stop half-way, and the
 * one-line refusals for missing credentials and a missing bucket.
 */
class S3Test {
    private static final String BUCKET = "spark-gru";
    /** A bucket that exists but for which no credentials are configured. */
    private static final String NO_CREDENTIALS = "no-credentials";
    /** A bucket that is configured but was never created. */
    private static final String MISSING = "missing-bucket";
    /** A bucket configured with a secret key the server does not accept. */
    private static final String WRONG_KEY = "wrong-key";
    private static final String ROOT = "s3a://" + BUCKET;
    private static final String DATA = ROOT + "/data/hourly";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SETTINGS = List.of("data.features=[temperature]", "model.hidden=8",
            "train.iterations=30", "train.checkpointEvery=10", "train.validationEvery=10");

    @TempDir
    static java.nio.file.Path base;

    private static BlobStoreContext store;
    private static S3Proxy proxy;
    private static final Map<String, String> CONF = new LinkedHashMap<>();

    /** Exit status and stderr of one job run. */
    private record Outcome(int code, String err) {
    }

    @BeforeAll
    static void startS3() throws Exception {
        // the AWS SDK would otherwise look for credentials at the instance metadata service (169.254.169.254)
        System.setProperty("aws.disableEc2Metadata", "true");
        // jclouds' in-memory store: its file-system store pauses on every delete of a now empty directory
        store = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
                .build(BlobStoreContext.class);
        store.getBlobStore().createContainerInLocation(null, BUCKET);
        store.getBlobStore().createContainerInLocation(null, NO_CREDENTIALS);
        store.getBlobStore().createContainerInLocation(null, WRONG_KEY);
        // unknown headers ignored: the SDK's checksum headers on bulk deletes, which s3proxy does not implement
        proxy = S3Proxy.builder().blobStore(store.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test-access", "test-secret")
                .ignoreUnknownHeaders(true).build();
        proxy.start();
        for (int i = 0; i < 500 && !proxy.getState().equals("STARTED"); i++) {
            Thread.sleep(10);
        }
        assertEquals("STARTED", proxy.getState(), "s3proxy started");
        configure(BUCKET, "test-secret");
        configure(NO_CREDENTIALS, null);
        configure(MISSING, "test-secret");
        configure(WRONG_KEY, "not-the-secret");
        // the jobs check their paths with the driver's spark.hadoop.* properties before Spark starts, and then use
        // the session's Hadoop configuration: both get the same per-bucket settings, which no other test reads
        Configuration hadoop = SparkTests.session().sparkContext().hadoopConfiguration();
        CONF.forEach((k, v) -> {
            System.setProperty("spark.hadoop." + k, v);
            hadoop.set(k, v);
        });
        SparkTests.session().read().parquet("data-samples/hourly.parquet").write().parquet(DATA);
    }

    /** S3A's settings for {@code bucket} on the local server, with the test's access key and {@code secret}. */
    private static void configure(String bucket, String secret) {
        String p = "fs.s3a.bucket." + bucket + ".";
        CONF.put(p + "endpoint", "http://127.0.0.1:" + proxy.getPort());
        CONF.put(p + "endpoint.region", "us-east-1");
        CONF.put(p + "path.style.access", "true");
        CONF.put(p + "connection.ssl.enabled", "false");
        // the configuration's keys only: neither the environment nor the instance metadata service
        CONF.put(p + "aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        CONF.put(p + "buffer.dir", base.resolve("s3a-buffer").toString());
        if (secret != null) {
            CONF.put(p + "access.key", "test-access");
            CONF.put(p + "secret.key", secret);
        }
    }

    @AfterAll
    static void stopS3() throws Exception {
        CONF.keySet().forEach(k -> System.clearProperty("spark.hadoop." + k));
        for (String bucket : List.of(BUCKET, NO_CREDENTIALS, MISSING, WRONG_KEY)) {
            FileSystem.get(URI.create("s3a://" + bucket + "/"), hadoop()).close();
        }
        if (proxy != null) {
            proxy.stop();
        }
        if (store != null) {
            store.close();
        }
    }

    private static Configuration hadoop() {
        return SparkTests.session().sparkContext().hadoopConfiguration();
    }

    private static FileSystem fs() throws IOException {
        return new Path(ROOT).getFileSystem(hadoop());
    }

    private static boolean exists(String path) throws IOException {
        return fs().exists(new Path(path));
    }

    private static Outcome run(Callable<Integer> job, List<String> args) {
        StringWriter err = new StringWriter();
        int code = JobRunner.run(job, new PrintWriter(err, true), args.toArray(String[]::new));
        return new Outcome(code, err.toString().strip());
    }

    private static Outcome train(String model, String... extra) {
        List<String> args = new ArrayList<>(List.of("--input", DATA, "--model", model));
        SETTINGS.forEach(s -> args.addAll(List.of("--set", s)));
        args.addAll(List.of(extra));
        return run(new TrainJob(), args);
    }

    private static JsonNode json(String path) throws IOException {
        try (var in = fs().open(new Path(path))) {
            return JSON.readTree(in);
        }
    }

    @Test
    void trainsResumesForecastsAndEvaluatesOnS3() throws IOException {
        SparkSession spark = SparkTests.session();
        String whole = ROOT + "/models/whole";
        Outcome trained = train(whole);
        assertEquals(0, trained.code(), trained.err());
        for (String f : List.of("_SUCCESS", "model.json", "weights.safetensors", "metrics.jsonl", "scalers",
                "checkpoints/ckpt-000000020.json", "checkpoints/ckpt-000000020.safetensors", "report/report.html",
                "report/_SUCCESS")) {
            assertTrue(exists(whole + "/" + f), f + " on s3a");
        }
        assertFalse(exists(whole + "/_LOCK"), "the lock is gone after the run");
        assertTrue(store.getBlobStore().list(BUCKET, ListContainerOptions.Builder.recursive()).stream()
                .noneMatch(b -> b.getName().endsWith(".tmp")), "files written in place: no temporary names");

        String broken = ROOT + "/models/broken";
        Outcome stopped = FaultHooks.with("stopDriverAt", "25", () -> train(broken));
        assertEquals(1, stopped.code(), stopped.err());
        assertTrue(stopped.err().contains("injected driver failure"), stopped.err());
        assertTrue(exists(broken + "/checkpoints/ckpt-000000020.json"), "the checkpoint before the failure");
        assertFalse(exists(broken + "/_SUCCESS"));
        String early = ROOT + "/out/early";
        Outcome refused = run(new ForecastJob(), List.of("--model", broken, "--input", DATA, "--output", early));
        assertEquals(UserError.EXIT_CODE, refused.code(), refused.err());
        assertEquals("error: model directory " + broken + " is not complete (it has no _SUCCESS): its training is"
                + " still running, failed or was interrupted; pass a complete model, or finish the training with"
                + " jobs/train.sh --resume", refused.err());
        assertFalse(exists(early), "nothing written");

        Outcome resumed = train(broken, "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        GruModel a = ModelStore.load(whole, hadoop());
        GruModel b = ModelStore.load(broken, hadoop());
        assertArrayEquals(a.params(), b.params(), "resumed from an s3a checkpoint: the uninterrupted run's weights");
        assertEquals(30, a.metadata().at("/training/iterations").asInt(), "the model's metadata reads back");

        String forecasts = ROOT + "/out/forecasts";
        List<String> forecast = List.of("--model", whole, "--input", DATA, "--output", forecasts);
        Outcome f = run(new ForecastJob(), forecast);
        assertEquals(0, f.code(), f.err());
        assertTrue(exists(forecasts + "/_SUCCESS") && exists(forecasts + "/forecasts/_SUCCESS"));
        assertEquals(11 * 12, spark.read().parquet(forecasts + "/forecasts").count());
        assertEquals(11, json(forecasts + "/summary.json").get("forecastSeries").asInt());
        String first = text(fs(), new Path(forecasts + "/summary.json"));

        Outcome again = run(new ForecastJob(), forecast);
        assertEquals(UserError.EXIT_CODE, again.code(), again.err());
        assertTrue(again.err().endsWith("already exists; choose another --output or pass --overwrite"), again.err());
        List<String> overwrite = new ArrayList<>(forecast);
        overwrite.add("--overwrite");
        Outcome replaced = run(new ForecastJob(), overwrite);
        assertEquals(0, replaced.code(), replaced.err());
        assertEquals(first, text(fs(), new Path(forecasts + "/summary.json")));
        assertEquals(11 * 12, spark.read().parquet(forecasts + "/forecasts").count());

        String report = ROOT + "/out/report";
        Outcome e = run(new EvaluateJob(), List.of("--model", whole, "--input", DATA, "--report", report));
        assertEquals(0, e.code(), e.err());
        JsonNode summary = json(report + "/summary.json");
        assertTrue(summary.get("evaluatedSeries").asInt() > 0, summary.toString());
        assertEquals(summary.get("evaluatedSeries").asLong(), spark.read().parquet(report + "/metrics").count());
        assertTrue(exists(report + "/_SUCCESS") && exists(report + "/report.html"));
        assertEquals(List.of("forecasts", "report"), names(ROOT + "/out"), "nothing staged or moved aside is left");
    }

    private static List<String> names(String dir) throws IOException {
        return Arrays.stream(fs().listStatus(new Path(dir))).map(s -> s.getPath().getName()).sorted().toList();
    }

    /**
     * S3A whose rename of a directory whose name starts with {@link #cutOff} moves only its first file and fails, as
     * a copy cut off half-way (the connection lost, the driver killed) leaves it.
     */
    public static final class HalfCopyS3A extends S3AFileSystem {
        static volatile String cutOff;

        @Override
        public boolean rename(Path src, Path dst) throws IOException {
            String prefix = cutOff;
            if (prefix == null || !src.getName().startsWith(prefix) || !getFileStatus(src).isDirectory()) {
                return super.rename(src, dst);
            }
            Path first = listFiles(src, true).next().getPath();
            Path to = new Path(dst, first.toUri().getPath().substring(src.toUri().getPath().length() + 1));
            mkdirs(to.getParent());
            super.rename(first, to);
            throw new IOException("injected: the copy of " + src + " stopped after " + first);
        }
    }

    private static void put(FileSystem fs, Path file, String text) throws IOException {
        AtomicFiles.writeFile(fs, file, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(FileSystem fs, Path file) throws IOException {
        try (var in = fs.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** An output like the jobs': a Spark-style data directory with its own marker, and a summary. */
    private static AtomicFiles.Body<Void> output(FileSystem fs, String version) {
        return staging -> {
            put(fs, new Path(staging, "data/part-00000"), version);
            put(fs, new Path(staging, "data/part-00001"), version);
            AtomicFiles.markComplete(fs, new Path(staging, "data"));
            put(fs, new Path(staging, "summary.json"), version);
            return null;
        };
    }

    @Test
    void aCopyCutOffHalfWayNeverLooksCompleteAndThePreviousOutputSurvives() throws IOException {
        Configuration conf = new Configuration(hadoop());
        conf.set("fs.s3a.impl", HalfCopyS3A.class.getName());
        conf.setBoolean("fs.s3a.impl.disable.cache", true);
        Path out = new Path(ROOT + "/commit/out");
        try (FileSystem fs = out.getFileSystem(conf)) {
            assertTrue(ObjectStores.is(fs, out), "s3a is an object store");
            assertFalse(ObjectStores.is(FileSystem.getLocal(conf), new Path(base.toUri())), "the local disk is not");
            AtomicFiles.writeDirectory(fs, out, false, "output", "--output", output(fs, "old"));
            assertTrue(fs.exists(new Path(out, "_SUCCESS")) && fs.exists(new Path(out, "data/_SUCCESS")));

            // the move of the new output into place stops half-way: the old one is put back whole
            HalfCopyS3A.cutOff = ".out.staging-";
            IOException in = assertThrows(IOException.class, () -> AtomicFiles.writeDirectory(fs, out, true,
                    "output", "--output", output(fs, "new")));
            assertTrue(in.getMessage().endsWith("; the previous output is unchanged"), in.getMessage());
            for (String f : List.of("data/part-00000", "data/part-00001", "summary.json")) {
                assertEquals("old", text(fs, new Path(out, f)), f);
            }
            assertTrue(fs.exists(new Path(out, "_SUCCESS")) && fs.exists(new Path(out, "data/_SUCCESS")));
            assertEquals(List.of("out"), names(ROOT + "/commit"), "nothing staged or moved aside is left");

            // the move of the old output aside stops half-way: it is no longer marked complete, anywhere, and the
            // new output is complete, marked, in its staging directory
            HalfCopyS3A.cutOff = "out";
            IOException aside = assertThrows(IOException.class, () -> AtomicFiles.writeDirectory(fs, out, true,
                    "output", "--output", output(fs, "new")));
            String prefix = "the new output is in " + ROOT + "/commit/.out.staging-";
            assertTrue(aside.getMessage().startsWith("cannot move the previous output " + out + " aside to replace"
                    + " it; " + prefix), aside.getMessage());
            Path staging = new Path(aside.getMessage().substring(aside.getMessage().lastIndexOf(ROOT)));
            assertEquals("new", text(fs, new Path(staging, "summary.json")));
            assertTrue(fs.exists(new Path(staging, "_SUCCESS")) && fs.exists(new Path(staging, "data/_SUCCESS")));
            for (String dir : names(ROOT + "/commit")) {
                Path d = new Path(ROOT + "/commit/" + dir);
                if (!d.equals(staging)) {
                    assertFalse(fs.exists(new Path(d, "_SUCCESS")), "a half-moved " + d + " looks incomplete");
                }
            }
        } finally {
            HalfCopyS3A.cutOff = null;
        }
    }

    @Test
    void aFileIsWrittenInPlaceAndAFailedWriteLeavesThePreviousOne() throws IOException {
        FileSystem fs = fs();
        Path file = new Path(ROOT + "/files/state.json");
        put(fs, file, "one");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeFile(fs, file, o -> {
            o.write("two, half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("injected write failure");
        }));
        assertEquals("injected write failure", e.getMessage());
        assertEquals("one", text(fs, file), "the aborted upload left the previous file");
        assertEquals(List.of("state.json"), names(ROOT + "/files"), "no temporary file");
    }

    /** Exit 2 with the one line {@code error: message}, within 30 s (no lookup or retry loop before it). */
    private static void assertRefused(Callable<Integer> job, List<String> args, String message) {
        long start = System.nanoTime();
        Outcome o = run(job, args);
        assertEquals(UserError.EXIT_CODE, o.code(), o.err());
        assertEquals("error: " + message, o.err());
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "refused quickly");
    }

    @Test
    void missingOrWrongCredentialsOrBucketAreOneMessageAndNothingIsWritten() throws IOException {
        String fix = "set spark.hadoop.fs.s3a.access.key and spark.hadoop.fs.s3a.secret.key (or the environment"
                + " variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or name a credential provider in"
                + " spark.hadoop.fs.s3a.aws.credentials.provider";
        String model = "s3a://" + NO_CREDENTIALS + "/models/m";
        assertRefused(new TrainJob(), List.of("--input", DATA, "--model", model), "--model " + model
                + ": no AWS credentials were found for bucket '" + NO_CREDENTIALS + "'; " + fix);
        java.nio.file.Path local = base.resolve("local-model");
        String input = "s3a://" + NO_CREDENTIALS + "/data/hourly";
        assertRefused(new TrainJob(), List.of("--input", input, "--model", local.toString()), "--input " + input
                + ": no AWS credentials were found for bucket '" + NO_CREDENTIALS + "'; " + fix);
        assertFalse(Files.exists(local.resolve("_SUCCESS")), "no complete-looking model");
        assertRefused(new ForecastJob(), List.of("--model", model, "--input", DATA, "--output", ROOT + "/out/x"),
                "--model " + model + ": no AWS credentials were found for bucket '" + NO_CREDENTIALS + "'; " + fix);
        assertEquals(0, store.getBlobStore().list(NO_CREDENTIALS).size(), "nothing written to the bucket");

        String nowhere = "s3a://" + MISSING + "/models/m";
        assertRefused(new TrainJob(), List.of("--input", DATA, "--model", nowhere), "--model " + nowhere
                + ": bucket '" + MISSING + "' does not exist; create it, or correct the bucket name or the endpoint"
                + " (spark.hadoop.fs.s3a.endpoint)");
        String denied = "s3a://" + WRONG_KEY + "/data/hourly";
        assertRefused(new TrainJob(), List.of("--input", denied, "--model", local.toString()), "--input " + denied
                + ": access to bucket '" + WRONG_KEY + "' was denied; check the credentials (" + fix.substring(4)
                + ") and the bucket's permissions");
        assertFalse(exists(ROOT + "/out/x"));
        assertEquals(0, store.getBlobStore().list(WRONG_KEY).size(), "nothing written to the bucket");
    }
}
