package org.sparkgru.ml;

import java.util.regex.Pattern;
import org.sparkgru.kernel.KernelBackend;

/** The JVM options spark-gru's kernel needs on Spark executors, merged into what the user configured. */
public final class ExecutorOptions {
    private ExecutorOptions() {
    }

    /**
     * The executors' JVM options ({@code spark.executor.extraJavaOptions}) with {@link KernelBackend#JIT_OPTIONS}
     * in front, except those the user already sets in {@code options} (their value wins).
     */
    public static String withJitOptions(String options) {
        StringBuilder all = new StringBuilder();
        for (String o : KernelBackend.JIT_OPTIONS) {
            String name = o.substring("-XX:".length()).replaceFirst("^[+-]", "").replaceFirst("=.*", "");
            if (!Pattern.compile("(^|\\s)-XX:[+-]?" + name + "(=|\\s|$)").matcher(options).find()) {
                all.append(o).append(' ');
            }
        }
        return (all + options).strip();
    }
}
