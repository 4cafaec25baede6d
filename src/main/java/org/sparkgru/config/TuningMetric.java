package org.sparkgru.config;

import org.sparkgru.Choice;

/**
 * {@code jobs/tune.sh --metric} and {@code GruForecastEvaluator}'s {@code metricName}: the metric that ranks
 * trials or param maps, lower is better; each is defined once by {@code org.sparkgru.metrics.ErrorSums} and named
 * {@link #field()} in the backtest's report.
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

    /**
     * Parses {@code value} of the option or param {@code name} ({@code --metric}, {@code metricName}); an unknown
     * value is a {@link ConfigError} naming both and the choices.
     */
    public static TuningMetric parse(String name, String value) {
        TuningMetric m = Choice.find(values(), value);
        if (m == null) {
            throw new ConfigError(name + " " + value + " is not a metric; choose one of " + Choice.ids(values(), ", "));
        }
        return m;
    }
}
