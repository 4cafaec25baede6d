package org.sparkgru.config;

import org.sparkgru.Choice;

/**
 * {@code jobs/tune.sh --metric}: the validation-tail metric that ranks the trials, lower is better; each is the
 * backtest's overall value of {@code org.sparkgru.metrics.ErrorSums}, named {@link #field()} in the report.
 */
public enum TuningMetric implements Choice {
    MASE("MASE"),
    SMAPE("sMAPE"),
    MAE("MAE"),
    RMSE("RMSE");

    private final String field;

    TuningMetric(String field) {
        this.field = field;
    }

    /** The metric's name in the backtest summary's {@code overall} table. */
    public String field() {
        return field;
    }

    /** Parses {@code --metric}; an unknown value is a {@link ConfigError} naming the choices. */
    public static TuningMetric parse(String value) {
        TuningMetric m = Choice.find(values(), value);
        if (m == null) {
            throw new ConfigError("--metric " + value + " is not a metric; choose one of " + Choice.ids(values(), ", "));
        }
        return m;
    }
}
