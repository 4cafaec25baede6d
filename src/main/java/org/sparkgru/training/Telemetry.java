package org.sparkgru.training;

import java.io.Serializable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * What the gradient tasks report besides their sums, kept apart from the arithmetic: the nanoseconds they spent
 * computing and the heap bytes their kernel loop allocated, as two Spark accumulators (updates of failed task
 * attempts are dropped by Spark). The driver {@link #reset}s them before an iteration and reads them after it.
 */
final class Telemetry implements Serializable {
    private static final long serialVersionUID = 1L;

    private final LongAccumulator computeNanos;
    private final LongAccumulator allocatedBytes;

    Telemetry(JavaSparkContext sc) {
        computeNanos = sc.sc().longAccumulator("spark-gru task compute nanos");
        allocatedBytes = sc.sc().longAccumulator("spark-gru task heap bytes");
    }

    /** On an executor: one task's compute time and kernel-loop allocation. */
    void record(long nanos, long bytes) {
        computeNanos.add(nanos);
        allocatedBytes.add(bytes);
    }

    void reset() {
        computeNanos.reset();
        allocatedBytes.reset();
    }

    /** Compute seconds summed over the tasks since the last reset. */
    double computeSeconds() {
        return computeNanos.value() / 1e9;
    }

    long allocatedBytes() {
        return allocatedBytes.value();
    }
}
