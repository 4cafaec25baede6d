package org.sparkgru.config;

import org.sparkgru.Choice;

/** {@code jobs/tune.sh --strategy}: how the trials are drawn from the search space. */
public enum SearchStrategy implements Choice {
    /** Every combination of the listed values, in a stable order; ranges are refused. */
    GRID,
    /** Independent draws: listed values uniformly, ranges uniformly or log-uniformly, from {@code --seed}. */
    RANDOM;

    /** Parses {@code --strategy}; an unknown value is a {@link ConfigError} naming the choices. */
    public static SearchStrategy parse(String value) {
        SearchStrategy s = Choice.find(values(), value);
        if (s == null) {
            throw new ConfigError("--strategy " + value + " is not a strategy; choose " + Choice.ids(values(), " or "));
        }
        return s;
    }
}
