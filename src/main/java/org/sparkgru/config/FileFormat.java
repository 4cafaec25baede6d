package org.sparkgru.config;

import java.util.List;
import java.util.Locale;
import org.sparkgru.Choice;

/** The table formats of {@code --format} (input) and {@code --output-format} (forecasts), as Spark SQL names them. */
public enum FileFormat implements Choice {
    CSV(".csv", ".tsv", ".txt"), PARQUET(".parquet", ".parq", ".pq"), ORC(".orc"), JSON(".json", ".jsonl", ".ndjson");

    /** Compression suffixes Spark reads through, ignored when a file's format is read off its name. */
    private static final List<String> COMPRESSION = List.of(".gz", ".bz2", ".zst", ".lz4", ".snappy", ".deflate");

    private final List<String> extensions;

    FileFormat(String... extensions) {
        this.extensions = List.of(extensions);
    }

    /** The file name endings of this format (lower case). */
    public List<String> extensions() {
        return extensions;
    }

    /** The format a file name ends with ({@code .csv}, {@code .csv.gz}, {@code .PARQUET}...), or null. */
    public static FileFormat ofName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (String c : COMPRESSION) {
            if (n.endsWith(c)) {
                n = n.substring(0, n.length() - c.length());
            }
        }
        for (FileFormat f : values()) {
            for (String e : f.extensions) {
                if (n.endsWith(e)) {
                    return f;
                }
            }
        }
        return null;
    }

    /** What {@code --format} accepts. */
    public static final FileFormat[] INPUT = {CSV, PARQUET, ORC, JSON};
    /** What {@code --output-format} accepts. */
    public static final FileFormat[] OUTPUT = {PARQUET, CSV};

    /** {@code value} of command-line {@code option}, one of {@code allowed}; otherwise a {@link ConfigError}. */
    public static FileFormat parse(String option, String value, FileFormat... allowed) {
        FileFormat f = Choice.find(allowed, value);
        if (f == null) {
            String ids = Choice.ids(allowed, ", ");
            int last = ids.lastIndexOf(", ");
            throw new ConfigError("unknown " + option + " '" + value + "': choose "
                    + ids.substring(0, last) + " or " + ids.substring(last + 2));
        }
        return f;
    }
}
