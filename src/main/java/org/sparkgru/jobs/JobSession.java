package org.sparkgru.jobs;

import org.apache.spark.sql.SparkSession;
import org.sparkgru.ml.ExecutorOptions;

/**
 * The Spark session a job runs in. A job started from the command line creates its session and stops it when it
 * ends; a job invoked inside an application that already has a default session or SparkContext (a notebook, a
 * test suite, a scheduler calling {@code main}) borrows it and leaves it running.
 */
final class JobSession implements AutoCloseable {
    private static final String EXECUTOR_OPTIONS = "spark.executor.extraJavaOptions";
    private final SparkSession spark;
    private final boolean owned;

    private JobSession(SparkSession spark, boolean owned) {
        this.spark = spark;
        this.owned = owned;
    }

    /** The default session if there is one, else a new one: {@code master} if given, else the configured master
     *  (spark-submit), else {@code local[*]}. */
    static JobSession open(String appName, String master) {
        return open(appName, master, java.util.Map.of());
    }

    /**
     * As {@link #open(String, String)}; a new session also gets {@code settings} (such as
     * {@code spark.scheduler.mode}) where the Spark configuration does not set them already. A borrowed session
     * keeps its own settings.
     */
    static JobSession open(String appName, String master, java.util.Map<String, String> settings) {
        if (SparkSession.getDefaultSession().isDefined()) {
            if (master != null) {
                org.slf4j.LoggerFactory.getLogger(JobSession.class).warn("--master {} is ignored: the job runs in"
                        + " the application's existing Spark session", master);
            }
            return new JobSession(SparkSession.getDefaultSession().get(), false);
        }
        // a SparkContext of the application without a session is reused by getOrCreate, and must not be stopped
        boolean contextExisted = org.apache.spark.SparkContext$.MODULE$.getActive().isDefined();
        org.apache.spark.SparkConf configured = new org.apache.spark.SparkConf();
        SparkSession.Builder builder = SparkSession.builder().appName(appName)
                .config(EXECUTOR_OPTIONS, ExecutorOptions.withJitOptions(configured.get(EXECUTOR_OPTIONS, "")));
        settings.forEach((k, v) -> {
            if (!configured.contains(k)) {
                builder.config(k, v);
            }
        });
        if (master != null) {
            builder.master(master);
        } else if (!configured.contains("spark.master")) {
            builder.master("local[*]");
        }
        return new JobSession(builder.getOrCreate(), !contextExisted);
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
