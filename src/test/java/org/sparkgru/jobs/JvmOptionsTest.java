package org.sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sparkgru.kernel.KernelBackend;
import org.sparkgru.ml.ExecutorOptions;

/**
 * {@code conf/jvm.options} is the one list of JVM options spark-gru needs; the scripts and the cluster test read it,
 * and Maven cannot, so pom.xml's {@code jvm.module.args} (Surefire's argLine) must hold the same options.
 */
class JvmOptionsTest {
    /** The options of {@code conf/jvm.options}, without comments and blank lines. */
    static List<String> options() {
        try {
            return Files.readAllLines(Path.of("conf/jvm.options")).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void pomArgLineHoldsTheSameOptions() throws IOException {
        Matcher m = Pattern.compile("<jvm.module.args>([^<]*)</jvm.module.args>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find(), "pom.xml defines jvm.module.args");
        assertEquals(options(), Arrays.asList(m.group(1).strip().split("\\s+")));
        assertTrue(options().contains("--add-modules=jdk.incubator.vector"));
    }

    @Test
    void theKernelsJitOptionsAreAmongThemAndReachTheExecutors() {
        assertTrue(options().containsAll(KernelBackend.JIT_OPTIONS), "conf/jvm.options holds " + KernelBackend.JIT_OPTIONS);
        assertEquals("-XX:TypeProfileLevel=0 -XX:-UseTypeSpeculation -XX:PerMethodTrapLimit=10000 -XX:PerMethodRecompilationCutoff=10000", ExecutorOptions.withJitOptions(""));
        assertEquals("-XX:TypeProfileLevel=0 -XX:-UseTypeSpeculation -XX:PerMethodTrapLimit=10000 -XX:PerMethodRecompilationCutoff=10000 -Dx=\"a b\"",
                ExecutorOptions.withJitOptions("-Dx=\"a b\""));
        assertEquals("-XX:-UseTypeSpeculation -XX:PerMethodTrapLimit=10000 -XX:PerMethodRecompilationCutoff=10000 -XX:TypeProfileLevel=111",
                ExecutorOptions.withJitOptions("-XX:TypeProfileLevel=111"), "the user's own value wins");
        assertEquals("-XX:TypeProfileLevel=0 -XX:PerMethodTrapLimit=10000 -XX:PerMethodRecompilationCutoff=10000 -XX:+UseTypeSpeculation",
                ExecutorOptions.withJitOptions("-XX:+UseTypeSpeculation"));
        assertEquals("-XX:TypeProfileLevel=0 -XX:-UseTypeSpeculation -XX:PerMethodTrapLimit=10000 -XX:PerMethodRecompilationCutoff=10000 -Dnote=UseTypeSpeculation -XX:TypeProfileLevel2",
                ExecutorOptions.withJitOptions("-Dnote=UseTypeSpeculation -XX:TypeProfileLevel2"), "only whole options count");
    }

    @Test
    void thisJvmRunsWithThem() {
        List<String> args = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertTrue(args.containsAll(options()), "Surefire's JVM has " + args);
    }
}
