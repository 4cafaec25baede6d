package org.sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code jobs/common.sh} hands the command line to Java: embedded (no spark-submit) and through spark-submit.
 * The script is sourced by bash with its launchers replaced by stand-ins that print what they would start, so
 * nothing is built or run.
 */
class LaunchScriptTest {
    @TempDir
    Path tmp;

    /** Runs spark_gru_launch with {@code args}; {@code submit} is a stand-in spark-submit, or null for none. */
    private List<String> launch(boolean submit, String... args) throws IOException, InterruptedException {
        Path fake = tmp.resolve("spark-submit");
        Files.writeString(fake, "#!/usr/bin/env bash\nprintf 'submit\\n'; printf '%s\\n' \"$@\"\n");
        fake.toFile().setExecutable(true);
        String script = "source jobs/common.sh\n"
                + "spark_gru_find_submit() { " + (submit ? "echo " + fake : ":") + "; }\n"
                + "spark_gru_jar() { echo app.jar; }\n"
                + "spark_gru_run() { printf 'embedded\\n'; printf '%s\\n' \"${SPARK_GRU_EXTRA_OPTS[@]}\" \"$@\"; exit 0; }\n"
                + "spark_gru_launch Main \"$@\"\n";
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", script, "launch"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return List.of(out.split("\n"));
    }

    @Test
    void embeddedRunsTurnConfAndDriverMemoryIntoJvmOptions() throws Exception {
        List<String> out = launch(false, "--conf", "spark.eventLog.enabled=true", "--model", "m", "--conf",
                "spark.executor.extraJavaOptions=-Da=1 -Db=2", "--driver-memory", "3g", "--master", "local[2]",
                "--conf", "spark.driver.memory=5g");
        assertEquals(List.of("embedded", "-Dspark.eventLog.enabled=true",
                "-Dspark.executor.extraJavaOptions=-Da=1 -Db=2", "-Xmx3g", "-Xmx5g", "Main", "--model", "m",
                "--master", "local[2]"), out);
        assertEquals(List.of("embedded", "Main"), launch(false));
        List<String> bad = launch(false, "--conf", "eventLog=true");
        assertTrue(bad.get(0).startsWith("error: --conf eventLog=true: expected spark.KEY=VALUE"), bad.toString());
        List<String> driver = launch(false, "--conf", "spark.driver.extraJavaOptions=-Dx=1");
        assertTrue(driver.get(0).startsWith("error: --conf spark.driver.extraJavaOptions=-Dx=1: an embedded run"
                + " cannot change its own JVM this way; put the options in JAVA_OPTS"), driver.toString());
    }

    @Test
    void spark_submitGetsTheSparkOptionsAndTheJobTheRest() throws Exception {
        assertEquals(List.of("submit", "--class", "Main", "--master", "spark://h:7077", "--conf",
                "spark.eventLog.enabled=true", "--driver-java-options", "-Dx=1 -Dy=2", "app.jar", "--model", "m",
                "--set", "a=b c"),
                launch(true, "--master", "spark://h:7077", "--model", "m", "--conf", "spark.eventLog.enabled=true",
                        "--driver-java-options", "-Dx=1 -Dy=2", "--set", "a=b c"));
        assertEquals(List.of("submit", "--class", "Main", "app.jar"), launch(true));
    }
}
