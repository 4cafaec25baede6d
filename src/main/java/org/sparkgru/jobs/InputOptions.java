package org.sparkgru.jobs;

import java.io.IOException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkgru.config.FileFormat;
import org.sparkgru.io.Locations;
import org.sparkgru.ml.ModelInput;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The options every job shares for its input ({@code --input} or {@code --table}, {@code --format}) and Spark master. */
public final class InputOptions {

    static final class Source {
        @Option(names = "--input", paramLabel = "PATH",
                description = "File, directory, glob or partitioned dataset on any Hadoop FileSystem.")
        String input;

        @Option(names = "--table", paramLabel = "NAME", description = "A catalog table instead of --input.")
        String table;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "parquet",
            description = "Input format: csv, parquet, orc, json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when none is configured (default: local[*]).")
    String master;

    /**
     * Reads the input, text timestamps without an offset in {@code zone} ({@code data.timeZone}); unknown formats
     * and unreadable paths are user errors.
     */
    Dataset<Row> read(SparkSession spark, java.time.ZoneId zone) throws IOException {
        return ModelInput.read(spark, source.input, source.table, FileFormat.parse("--format", format,
                FileFormat.INPUT), zone);
    }

    /** Checks that {@code --input} exists, before Spark starts (a {@code --table} is looked up in the session). */
    void requireInput(org.apache.hadoop.conf.Configuration conf) {
        if (source.input != null) {
            Locations.requireInput(source.input, format, conf);
        }
    }

    /** The job's Spark session: see {@link JobSession#open}. */
    JobSession session(String appName) {
        return JobSession.open(appName, master);
    }
}
