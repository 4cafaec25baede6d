package org.sparkgru.training;

import org.apache.spark.TaskContext;

/**
 * Test hooks for failure handling, off unless a system property is set (documented for the test suites only):
 * <ul>
 *   <li>{@code org.sparkgru.test.failTaskAt=N}: the first attempt of partition 0's gradient task at iteration N throws,
 *       so Spark retries it (needs {@code spark.task.maxFailures > 1}, e.g. {@code local[2,4]});</li>
 *   <li>{@code org.sparkgru.test.stopDriverAt=N}: the driver throws before iteration N, as if it died there.</li>
 * </ul>
 */
final class FaultInjection {
    private FaultInjection() {
    }

    static void beforeGradientTask(int iteration, int partition) {
        String at = System.getProperty("org.sparkgru.test.failTaskAt");
        TaskContext task = TaskContext.get();
        if (at != null && Integer.parseInt(at) == iteration && partition == 0 && task != null
                && task.attemptNumber() == 0) {
            throw new IllegalStateException("injected task failure at iteration " + iteration);
        }
    }

    static void afterGradient(int iteration, int partition, float[] grad) {
        String at = System.getProperty("org.sparkgru.test.poisonAt");
        if (at != null && partition == 0 && java.util.Arrays.asList(at.split(",")).contains(Integer.toString(iteration))) {
            grad[0] = Float.NaN;
        }
    }

    static void beforeIteration(int iteration) {
        String at = System.getProperty("org.sparkgru.test.stopDriverAt");
        if (at != null && Integer.parseInt(at) == iteration) {
            throw new IllegalStateException("injected driver failure before iteration " + iteration);
        }
    }
}
