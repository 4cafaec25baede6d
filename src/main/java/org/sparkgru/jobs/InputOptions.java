package org.sparkgru.jobs;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkgru.UserError;
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

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Input format: csv, parquet, orc, json (default: from the --input file's extension, else"
                    + " parquet).")
    String format;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when none is configured (default: local[*]).")
    String master;

    /**
     * Reads the input, text timestamps without an offset in {@code zone} ({@code data.timeZone}); unknown formats
     * and unreadable paths are user errors.
     */
    Dataset<Row> read(SparkSession spark, java.time.ZoneId zone) throws IOException {
        return ModelInput.read(spark, source.input, source.table, format(), zone);
    }

    /**
     * The input format: {@code --format}, else the one the {@code --input} path's name ends with ({@code .csv},
     * {@code .json.gz}...), else Parquet (directories of part files, tables).
     */
    FileFormat format() {
        if (format != null) {
            return FileFormat.parse("--format", format, FileFormat.INPUT);
        }
        FileFormat named = source.input == null ? null : FileFormat.ofName(source.input);
        return named != null ? named : FileFormat.PARQUET;
    }

    /**
     * Checks that {@code --input} exists and that its files fit the format, before Spark starts (a {@code --table} is
     * looked up in the session): a file named like another format than {@code --format} is refused.
     */
    void requireInput(org.apache.hadoop.conf.Configuration conf) {
        if (source.input == null) {
            return;
        }
        FileFormat f = format();
        boolean binary = f == FileFormat.PARQUET || f == FileFormat.ORC;
        for (FileStatus found : Locations.requireInput(source.input, f.id(), binary ? f.extensions() : List.of(),
                conf)) {
            FileFormat named = FileFormat.ofName(found.getPath().getName());
            if (found.isFile() && named != null && named != f) {
                throw new UserError("input " + found.getPath() + " is named like a " + named.id() + " file, but the"
                        + " input format is " + f.id() + "; pass --format " + named.id());
            }
        }
    }

    /** The job's Spark session: see {@link JobSession#open}. */
    JobSession session(String appName) {
        return JobSession.open(appName, master);
    }

    /** The job's Spark session with {@code settings} where Spark's configuration has none: see {@link JobSession#open}. */
    JobSession session(String appName, java.util.Map<String, String> settings) {
        return JobSession.open(appName, master, settings);
    }
}
