package org.sparkgru.training;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.TaskContext;

/**
 * Test hooks for failure handling, read once per training job on the driver ({@link #fromSystemProperties}) and
 * shipped to the tasks with their work; {@link #NONE} (every hook off) unless a test sets the properties:
 * <ul>
 *   <li>{@code org.sparkgru.test.failTaskAt=N}: the first attempt of partition 0's gradient task at iteration N
 *       throws, so Spark retries it (needs {@code spark.task.maxFailures > 1}, e.g. {@code local[2,4]});</li>
 *   <li>{@code org.sparkgru.test.poisonAt=N,M,...}: partition 0's gradient at those iterations is NaN;</li>
 *   <li>{@code org.sparkgru.test.stopDriverAt=N}: the driver throws before iteration N, as if it died there.</li>
 * </ul>
 *
 * @param failTaskAt   iteration, or -1
 * @param stopDriverAt iteration, or -1
 * @param poisonAt     iterations (sorted)
 */
record FaultPlan(int failTaskAt, int stopDriverAt, int[] poisonAt) implements Serializable {
    static final String PREFIX = "org.sparkgru.test.";
    /** No hook. */
    static final FaultPlan NONE = new FaultPlan(-1, -1, new int[0]);

    /** The hooks set as system properties of this JVM, or {@link #NONE}. */
    static FaultPlan fromSystemProperties() {
        String fail = System.getProperty(PREFIX + "failTaskAt");
        String stop = System.getProperty(PREFIX + "stopDriverAt");
        String poison = System.getProperty(PREFIX + "poisonAt");
        if (fail == null && stop == null && poison == null) {
            return NONE;
        }
        return new FaultPlan(fail == null ? -1 : Integer.parseInt(fail), stop == null ? -1 : Integer.parseInt(stop),
                poison == null ? new int[0] : Arrays.stream(poison.split(",")).mapToInt(Integer::parseInt).sorted()
                        .toArray());
    }

    void beforeGradientTask(int iteration, int partition) {
        TaskContext task = TaskContext.get();
        if (iteration == failTaskAt && partition == 0 && task != null && task.attemptNumber() == 0) {
            throw new IllegalStateException("injected task failure at iteration " + iteration);
        }
    }

    void afterGradient(int iteration, int partition, float[] grad) {
        if (partition == 0 && Arrays.binarySearch(poisonAt, iteration) >= 0) {
            grad[0] = Float.NaN;
        }
    }

    void beforeIteration(int iteration) {
        if (iteration == stopDriverAt) {
            throw new IllegalStateException("injected driver failure before iteration " + iteration);
        }
    }
}
