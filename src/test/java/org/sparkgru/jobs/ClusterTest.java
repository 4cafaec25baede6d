package org.sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkgru.testing.FaultHooks;

/**
 * The jobs on a real Spark standalone cluster: a master and two workers as separate JVMs on 127.0.0.1, started from
 * the project's resolved Spark jars ({@code SPARK_HOME/jars} under {@code target/}), the train and forecast jobs
 * submitted through {@code org.apache.spark.deploy.SparkSubmit} exactly as {@code spark-submit} would, with the
 * application jar. Every process is stopped at the end; logs stay in {@code target/cluster-test/}.
 */
class ClusterTest {
    private static final Path HOME = Path.of("target/cluster-test").toAbsolutePath();
    private static final List<Process> DAEMONS = new ArrayList<>();
    /** Every submitted application, stopped at the end whatever happened to the test that started it. */
    private static final List<Process> SUBMITTED = new ArrayList<>();
    private static String master;
    private static Path appJar;

    /** The JVM options of every process: {@code conf/jvm.options}, as the jobs' scripts use them. */
    private static final List<String> JVM = JvmOptionsTest.options();

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static ProcessBuilder java(String main, List<String> args, String log) {
        return java(main, List.of(), args, log);
    }

    private static ProcessBuilder java(String main, List<String> jvmOptions, List<String> args, String log) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx700m"));
        cmd.addAll(JVM);
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", HOME.resolve("spark-home/jars").toString() + "/*", main));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(HOME.resolve(log).toFile());
        pb.environment().put("SPARK_HOME", HOME.resolve("spark-home").toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        return pb;
    }

    @BeforeAll
    static void startCluster() throws Exception {
        Files.createDirectories(HOME.resolve("spark-home/jars"));
        for (String jar : Files.readString(Path.of("target/runtime-classpath.txt")).strip().split(":")) {
            Path link = HOME.resolve("spark-home/jars").resolve(Path.of(jar).getFileName());
            if (!Files.exists(link)) {
                Files.createSymbolicLink(link, Path.of(jar));
            }
        }
        appJar = HOME.resolve("spark-gru-app.jar");
        Path classes = Path.of("target/classes");
        try (OutputStream out = Files.newOutputStream(appJar); JarOutputStream jar = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, jar);
                jar.closeEntry();
            }
        }
        int port = freePort();
        master = "spark://127.0.0.1:" + port;
        DAEMONS.add(java("org.apache.spark.deploy.master.Master", List.of("--host", "127.0.0.1", "--port",
                String.valueOf(port), "--webui-port", String.valueOf(freePort())), "master.log").start());
        waitFor("master.log", "I have been elected leader", 60);
        for (int w = 1; w <= 2; w++) {
            Path work = Files.createDirectories(HOME.resolve("work-" + w));
            DAEMONS.add(java("org.apache.spark.deploy.worker.Worker", List.of("--host", "127.0.0.1", "--cores", "1",
                    "--memory", "1500m", "--webui-port", String.valueOf(freePort()), "--work-dir", work.toString(),
                    master), "worker-" + w + ".log").start());
        }
        waitFor("master.log", "Registering worker", 60);
        long deadline = System.currentTimeMillis() + 60_000;
        while (Files.readString(HOME.resolve("master.log")).split("Registering worker", -1).length < 3) {
            assertTrue(System.currentTimeMillis() < deadline, "two workers registered");
            Thread.sleep(200);
        }
    }

    private static void waitFor(String log, String text, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (!Files.exists(HOME.resolve(log)) || !Files.readString(HOME.resolve(log)).contains(text)) {
            assertTrue(System.currentTimeMillis() < deadline, text + " in " + log);
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stopCluster() {
        for (Process p : SUBMITTED) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : DAEMONS) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private static Process start(String main, String log, String... args) throws IOException {
        return start(main, log, List.of(), args);
    }

    /**
     * Submits {@code main} with {@code conf} as extra {@code --conf key=value} settings, except {@code -D} entries,
     * which are system properties of the driver (the submitting JVM, in client mode).
     */
    private static Process start(String main, String log, List<String> conf, String... args) throws IOException {
        List<String> a = new ArrayList<>(List.of("--master", master, "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.executor.memory=700m"));
        List<String> driverOptions = new ArrayList<>();
        for (String c : conf) {
            if (c.startsWith("-D")) {
                driverOptions.add(c);
            } else {
                a.addAll(List.of("--conf", c));
            }
        }
        a.addAll(List.of("--class", main, appJar.toString()));
        a.addAll(List.of(args));
        Process p = java("org.apache.spark.deploy.SparkSubmit", driverOptions, a, log).start();
        SUBMITTED.add(p);
        return p;
    }

    private static int submit(String main, String log, String... args) throws Exception {
        return submit(main, log, List.of(), args);
    }

    private static int submit(String main, String log, List<String> conf, String... args) throws Exception {
        Process p = start(main, log, conf, args);
        try {
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), main + " finished within 5 minutes, see " + log);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        return p.exitValue();
    }

    private static void clean(Path... dirs) throws IOException {
        for (Path p : dirs) {
            if (Files.exists(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    private static String[] longTraining(Path model, String... extra) {
        List<String> a = new ArrayList<>(List.of("--input",
                Path.of("data-samples/hourly.parquet").toAbsolutePath().toString(), "--model", model.toString(),
                "--set", "data.features=[temperature]", "--set", "train.iterations=60", "--set", "model.hidden=8",
                "--set", "data.partitions=2", "--set", "train.checkpointEvery=10", "--set",
                "train.validationEvery=20"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    private static void waitForFile(Path f, Process p, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (!Files.exists(f)) {
            assertTrue(p.isAlive(), "the job is still running while waiting for " + f);
            assertTrue(System.currentTimeMillis() < deadline, f + " appeared in time");
            Thread.sleep(100);
        }
    }

    private static byte[] weights(Path model) throws IOException {
        return Files.readAllBytes(model.resolve("weights.safetensors"));
    }

    private static Path quiet;

    /** The undisturbed run of {@link #longTraining} that the failure tests compare with (run once). */
    private static synchronized byte[] quietWeights() throws Exception {
        if (quiet == null) {
            Path dir = HOME.resolve("quiet");
            clean(dir);
            assertEquals(0, submit("org.sparkgru.jobs.TrainJob", "quiet.log", longTraining(dir)),
                    "see target/cluster-test/quiet.log");
            quiet = dir;
        }
        return weights(quiet);
    }

    /**
     * The driver reads the test hooks ({@code FaultPlan}) from its system properties once per job and ships them to
     * the executors with the tasks' work.
     */
    private static List<String> driverHook(String name, String value) {
        return List.of("-D" + FaultHooks.PREFIX + name + "=" + value);
    }

    /**
     * A worker killed after a checkpoint: the job finishes on the other one with the weights of an undisturbed run,
     * and the model loads and forecasts; then the driver killed (not stopped) mid-run: the same command with --resume
     * finishes from the newest checkpoint with those weights too.
     */
    @Test
    void workerAndDriverDeathsChangeNothing() throws Exception {
        byte[] undisturbed = quietWeights();
        Path workerLost = HOME.resolve("worker-lost");
        Path driverLost = HOME.resolve("driver-lost");
        clean(workerLost, driverLost);

        Process run = start("org.sparkgru.jobs.TrainJob", "worker-lost.log", longTraining(workerLost));
        waitForFile(workerLost.resolve("checkpoints/ckpt-000000010.json"), run, 240);
        Process worker = DAEMONS.get(2);
        worker.descendants().forEach(ProcessHandle::destroyForcibly);
        worker.destroyForcibly();
        assertTrue(run.waitFor(300, TimeUnit.SECONDS), "finished on the remaining worker");
        assertEquals(0, run.exitValue(), "see target/cluster-test/worker-lost.log");
        assertTrue(java.util.Arrays.equals(undisturbed, weights(workerLost)), "same weights without a worker");
        Path forecasts = HOME.resolve("worker-lost-forecasts");
        clean(forecasts);
        assertEquals(0, submit("org.sparkgru.jobs.ForecastJob", "worker-lost-forecast.log", "--model",
                workerLost.toString(), "--input", Path.of("data-samples/hourly.parquet").toAbsolutePath().toString(),
                "--output", forecasts.toString()), "see target/cluster-test/worker-lost-forecast.log");
        assertTrue(Files.readString(forecasts.resolve("summary.json")).contains("\"forecastSeries\" : 11"),
                "the model loads and forecasts on the remaining worker");

        Process driver = start("org.sparkgru.jobs.TrainJob", "driver-lost.log", longTraining(driverLost));
        waitForFile(driverLost.resolve("checkpoints/ckpt-000000020.json"), driver, 240);
        driver.descendants().forEach(ProcessHandle::destroyForcibly);
        driver.destroyForcibly();
        driver.waitFor(60, TimeUnit.SECONDS);
        assertTrue(!Files.exists(driverLost.resolve("_SUCCESS")), "a killed run leaves no complete-looking model");
        assertEquals(0, submit("org.sparkgru.jobs.TrainJob", "driver-resumed.log",
                longTraining(driverLost, "--resume")));
        assertTrue(java.util.Arrays.equals(undisturbed, weights(driverLost)), "resume: same weights");
    }

    /** A gradient task that fails on its first attempt in an executor is retried, and the weights do not change. */
    @Test
    void aRetriedTaskChangesNothing() throws Exception {
        byte[] undisturbed = quietWeights();
        Path retried = HOME.resolve("retried");
        clean(retried);
        assertEquals(0, submit("org.sparkgru.jobs.TrainJob", "retried.log",
                driverHook("failTaskAt", "15"), longTraining(retried)),
                "see target/cluster-test/retried.log");
        assertTrue(Files.readString(HOME.resolve("retried.log")).contains("injected task failure at iteration 15"),
                "the task failed once on an executor and was retried");
        assertTrue(java.util.Arrays.equals(undisturbed, weights(retried)), "same weights with a retried task");
    }

    /**
     * Non-finite gradients poisoned in an executor: one skips its step and halves the learning rate, five in a row
     * ({@code train.maxBadSteps}) stop the job with exit status 2 and its message, keeping the last good checkpoint.
     */
    @Test
    void poisonedGradientsFollowTheNonFinitePolicy() throws Exception {
        Path poisoned = HOME.resolve("poisoned");
        clean(poisoned);
        int code = submit("org.sparkgru.jobs.TrainJob", "poisoned.log",
                driverHook("poisonAt", "15,41,42,43,44,45"), longTraining(poisoned));
        String log = Files.readString(HOME.resolve("poisoned.log"));
        assertEquals(2, code, "see target/cluster-test/poisoned.log");
        assertTrue(log.contains("error: 5 non-finite gradients in a row at iteration 46; the data may hold extreme"
                + " values or train.learningRate is too high. The last good checkpoint is kept in"), log);
        List<String> metrics = Files.readAllLines(poisoned.resolve("metrics.jsonl"));
        assertTrue(metrics.get(15).contains("\"iteration\":16") && metrics.get(15).contains("non-finite gradient"),
                metrics.get(15));
        assertTrue(metrics.get(16).contains("\"iteration\":17") && !metrics.get(16).contains("skipped"),
                "training went on after one bad step: " + metrics.get(16));
        assertTrue(Files.exists(poisoned.resolve("checkpoints/ckpt-000000040.json")), "the last good checkpoint");
        assertTrue(!Files.exists(poisoned.resolve("_SUCCESS")), "no complete-looking model");
    }

    /**
     * The live heap of the JVM {@code pid}, in KiB: the total of {@code jcmd GC.class_histogram}, which counts the
     * objects that survive the full GC it runs first (the least of two rounds). {@code GC.heap_info} after
     * {@code GC.run} is no measure: it also counts what the working JVM allocated between the two commands, which
     * varied by 50 MiB from one sample to the next.
     */
    private static long liveHeapKib(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 2; round++) {
            Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.class_histogram").redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "jcmd GC.class_histogram: " + out);
            java.util.regex.Matcher total = java.util.regex.Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$")
                    .matcher(out);
            assertTrue(total.find(), out);
            least = Math.min(least, Long.parseLong(total.group(1)) / 1024);
        }
        return least;
    }

    /**
     * A soak of 1,000 iterations: the live heap of the driver and of each executor ({@link #liveHeapKib}), sampled about every
     * 100 iterations from iteration 150 on (between validations and checkpoints, which hold extra data for a
     * moment), does not grow beyond noise: the least of the last three samples exceeds
     * the least of the first three by at most {@value #SOAK_NOISE_KIB} KiB. With 64 hidden units the weights are
     * 52 KiB and each task's gradient sum 104 KiB, so keeping one of them per iteration would add well over 40 MiB
     * between the first and the last samples. The figures go to {@code target/cluster-test/soak.tsv} (README's
     * "Running on a cluster" records a run). Spark's status store keeps the last {@code spark.ui.retainedJobs}
     * jobs and {@code spark.ui.retainedStages} stages (1,000 by default, about 10 KiB each here, measured with
     * class histograms): a bounded history of Spark's, set to 50 here so that it is full before the first sample.
     */
    @Test
    void memoryStaysFlatOverAManyIterationSoak() throws Exception {
        Path soak = HOME.resolve("soak");
        clean(soak);
        Process driver = start("org.sparkgru.jobs.TrainJob", "soak.log", List.of("spark.ui.retainedJobs=50",
                "spark.ui.retainedStages=50"), longTraining(soak, "--set",
                "train.iterations=1000", "--set", "train.checkpointEvery=100", "--set", "train.validationEvery=100", "--set",
                "model.hidden=64"));
        Path metrics = soak.resolve("metrics.jsonl");
        List<long[]> samples = new ArrayList<>();
        List<Long> executors = null;
        try {
            for (int mark = 150; mark <= 950; mark += 100) {
                long deadline = System.currentTimeMillis() + 300_000;
                while (driver.isAlive() && (!Files.exists(metrics) || Files.readAllLines(metrics).size() < mark)) {
                    assertTrue(System.currentTimeMillis() < deadline, "iteration " + mark + " reached in time");
                    Thread.sleep(50);
                }
                if (!driver.isAlive()) {
                    break;
                }
                if (executors == null) {
                    executors = DAEMONS.stream().filter(Process::isAlive).flatMap(Process::descendants)
                            .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                            .map(ProcessHandle::pid).sorted().toList();
                    assertTrue(!executors.isEmpty(), "executor JVMs found under the workers");
                }
                long[] row = new long[2 + executors.size()];
                row[0] = Files.readAllLines(metrics).size();
                row[1] = liveHeapKib(driver.pid());
                for (int e = 0; e < executors.size(); e++) {
                    row[2 + e] = liveHeapKib(executors.get(e));
                }
                samples.add(row);
            }
            assertTrue(driver.waitFor(300, TimeUnit.SECONDS), "the soak run finished");
            assertEquals(0, driver.exitValue(), "see target/cluster-test/soak.log");
        } finally {
            driver.descendants().forEach(ProcessHandle::destroyForcibly);
            driver.destroyForcibly();
        }
        StringBuilder table = new StringBuilder("iteration\tdriver_KiB");
        for (int e = 0; e < executors.size(); e++) {
            table.append("\texecutor").append(e + 1).append("_KiB");
        }
        for (long[] row : samples) {
            table.append('\n').append(row[0]);
            for (int c = 1; c < row.length; c++) {
                table.append('\t').append(row[c]);
            }
        }
        Files.writeString(HOME.resolve("soak.tsv"), table + "\n");
        System.out.println("heap after full GC during the soak (KiB):\n" + table);
        assertTrue(samples.size() >= 6 && samples.get(samples.size() - 1)[0] >= 500,
                "samples from iteration 150 to at least 500:\n" + table);
        int n = samples.size();
        for (int c = 1; c < samples.get(0).length; c++) {
            long start = Math.min(samples.get(0)[c], Math.min(samples.get(1)[c], samples.get(2)[c]));
            long end = Math.min(samples.get(n - 3)[c], Math.min(samples.get(n - 2)[c], samples.get(n - 1)[c]));
            assertTrue(end - start <= SOAK_NOISE_KIB, (c == 1 ? "driver" : "executor " + (c - 1))
                    + " heap after full GC grew from " + start + " to " + end + " KiB:\n" + table);
        }
    }

    /** Live-heap growth that counts as noise in the soak: 4 MiB (measured: under 0.3 MiB). */
    private static final long SOAK_NOISE_KIB = 4 * 1024;

    @Test
    void trainAndForecastThroughSparkSubmit() throws Exception {
        Path model = HOME.resolve("model");
        Path out = HOME.resolve("forecasts");
        for (Path p : List.of(model, out)) {
            if (Files.exists(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
        int train = submit("org.sparkgru.jobs.TrainJob", "train.log", "--input",
                Path.of("data-samples/hourly.parquet").toAbsolutePath().toString(), "--model", model.toString(),
                "--set", "data.features=[temperature]", "--set", "train.iterations=20", "--set", "model.hidden=8",
                "--set", "data.partitions=2");
        assertEquals(0, train, "train exit status; see target/cluster-test/train.log");
        assertTrue(Files.exists(model.resolve("_SUCCESS")));
        assertTrue(Files.readString(HOME.resolve("train.log")).contains("model written to " + model));
        int forecast = submit("org.sparkgru.jobs.ForecastJob", "forecast.log", "--model", model.toString(),
                "--input", Path.of("data-samples/hourly.parquet").toAbsolutePath().toString(), "--output",
                out.toString());
        assertEquals(0, forecast, "forecast exit status; see target/cluster-test/forecast.log");
        assertTrue(Files.readString(out.resolve("summary.json")).contains("\"forecastSeries\" : 11"));
        // the executors ran on the workers, not in the driver
        try (Stream<Path> apps = Files.walk(HOME.resolve("work-1"))) {
            assertTrue(apps.anyMatch(p -> p.getFileName().toString().equals("stderr")), "executor logs on worker 1");
        }
    }
}
