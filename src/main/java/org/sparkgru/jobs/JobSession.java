package org.sparkgru.jobs;

import org.apache.spark.sql.SparkSession;

/**
 * The Spark session a job runs in. A job started from the command line creates its session and stops it when it
 * ends; a job invoked inside an application that already has a default session (a notebook, a test suite, a
 * scheduler calling {@code main}) borrows that session and leaves it running.
 */
final class JobSession implements AutoCloseable {
    private final SparkSession spark;
    private final boolean owned;

    private JobSession(SparkSession spark, boolean owned) {
        this.spark = spark;
        this.owned = owned;
    }

    /** The default session if there is one, else a new one: {@code master} if given, else the configured master
     *  (spark-submit), else {@code local[*]}. */
    static JobSession open(String appName, String master) {
        if (SparkSession.getDefaultSession().isDefined()) {
            return new JobSession(SparkSession.getDefaultSession().get(), false);
        }
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        if (master != null) {
            builder.master(master);
        } else if (!new org.apache.spark.SparkConf().contains("spark.master")) {
            builder.master("local[*]");
        }
        return new JobSession(builder.getOrCreate(), true);
    }

    SparkSession spark() {
        return spark;
    }

    /** Stops the session if this job created it. */
    @Override
    public void close() {
        if (owned) {
            spark.stop();
        }
    }
}
