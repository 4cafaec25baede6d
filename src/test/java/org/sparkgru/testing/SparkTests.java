package org.sparkgru.testing;

import org.apache.spark.sql.SparkSession;

/**
 * The Spark session shared by all test classes of a Surefire JVM: {@code local[2,4]} (two cores, a failed task is
 * retried up to 4 times), small shuffle partitions, no UI, and Spark's built-in (in-memory) catalog with its
 * warehouse under {@code target/} rather than the working directory; tests that write tables create a database
 * located in their own temporary directory.
 */
public final class SparkTests {
    private static SparkSession session;

    private SparkTests() {
    }

    public static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().master("local[2,4]").appName("spark-gru tests")
                    .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
                    .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.warehouse.dir", java.nio.file.Path.of("target", "spark-warehouse")
                            .toAbsolutePath().toUri().toString())
                    .getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }
}
