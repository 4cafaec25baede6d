package org.sparkgru.config;

import org.sparkgru.Choice;

/** The table formats of {@code --format} (input) and {@code --output-format} (forecasts), as Spark SQL names them. */
public enum FileFormat implements Choice {
    CSV, PARQUET, ORC, JSON;

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
