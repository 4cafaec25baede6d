package org.sparkgru.config;

import org.sparkgru.Choice;

/**
 * {@code model.baseline}: the simple forecast the network corrects. The head predicts the scaled difference between
 * the target and the baseline, which is added back on every output, so that a network whose head outputs zero
 * forecasts exactly the baseline (the residual formulation of N-BEATS and of "forecasting relative to naive").
 */
public enum Baseline implements Choice {
    /** Chosen at training time: naive, seasonal naive or seasonal mean, whichever has the lowest scaled error on the
     *  training parts. */
    AUTO,
    /** No baseline: the head predicts the scaled target itself. */
    NONE,
    /** The window's last value, repeated. */
    NAIVE,
    /** The value one season ({@code model.season} steps) before each forecast step, from the window's last season. */
    SEASONAL_NAIVE,
    /**
     * The mean of the values one, two, ... seasons before each forecast step, over every season the window holds: a
     * seasonal profile with the noise of single days averaged out.
     */
    SEASONAL_MEAN;

    /** The choices a trained model can hold (auto is resolved before training). */
    public static final Baseline[] RESOLVED = {NONE, NAIVE, SEASONAL_NAIVE, SEASONAL_MEAN};

    /** Whether this baseline needs a window of at least one season. */
    public boolean seasonal() {
        return this == SEASONAL_NAIVE || this == SEASONAL_MEAN;
    }

    /**
     * This baseline's value at forecast step {@code h} (0-based) after the window {@code v[offset, offset +
     * lookback)}; NaN for none.
     */
    public double value(float[] v, int offset, int lookback, int season, int h) {
        return switch (this) {
            case NONE -> Double.NaN;
            case NAIVE -> v[offset + lookback - 1];
            case SEASONAL_NAIVE -> v[offset + lookback + h - season * (h / season + 1)];
            case SEASONAL_MEAN -> {
                double sum = 0;
                int n = 0;
                for (int i = lookback + h - season * (h / season + 1); i >= 0; i -= season) {
                    sum += v[offset + i];
                    n++;
                }
                yield sum / n;
            }
            case AUTO -> throw new IllegalStateException("model.baseline = auto is resolved before training");
        };
    }
}
