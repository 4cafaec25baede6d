package org.sparkgru.jobs;

import java.io.IOException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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

    /** Reads the input; unknown formats and unreadable paths are user errors. */
    Dataset<Row> read(SparkSession spark) throws IOException {
        if (!java.util.List.of("csv", "parquet", "orc", "json").contains(format)) {
            throw new org.sparkgru.UserError("unknown --format '" + format + "': choose csv, parquet, orc or json");
        }
        return ModelInput.read(spark, source.input, source.table, format);
    }

    /** The job's Spark session: see {@link JobSession#open}. */
    JobSession session(String appName) {
        return JobSession.open(appName, master);
    }
}
