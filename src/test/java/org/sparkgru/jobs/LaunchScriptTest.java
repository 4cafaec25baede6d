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
                "spark.executor.extraJavaOptions=-Da=1 -Db=2", "--driver-memory", "3g", "--master", "local[2]");
        assertEquals(List.of("embedded", "-Dspark.eventLog.enabled=true",
                "-Dspark.executor.extraJavaOptions=-Da=1 -Db=2", "-Xmx3g", "Main", "--model", "m", "--master", "local[2]"),
                out);
        List<String> bad = launch(false, "--conf", "eventLog=true");
        assertTrue(bad.get(0).startsWith("error: --conf eventLog=true: expected spark.KEY=VALUE"), bad.toString());
    }

    @Test
    void spark_submitGetsTheSparkOptionsAndTheDriverTheKernelsJitOptions() throws Exception {
        assertEquals(List.of("submit", "--class", "Main", "--driver-java-options",
                "-XX:TypeProfileLevel=0 -XX:-UseTypeSpeculation", "--master", "spark://h:7077", "--conf",
                "spark.eventLog.enabled=true", "app.jar", "--model", "m"),
                launch(true, "--master", "spark://h:7077", "--model", "m", "--conf", "spark.eventLog.enabled=true"));
        // the user's driver options come after ours, from either spelling
        assertEquals(List.of("submit", "--class", "Main", "--driver-java-options",
                "-XX:TypeProfileLevel=0 -XX:-UseTypeSpeculation -Dx=1 -Dy=2", "app.jar"),
                launch(true, "--driver-java-options", "-Dx=1", "--conf", "spark.driver.extraJavaOptions=-Dy=2"));
    }
}
