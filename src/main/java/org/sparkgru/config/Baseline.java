package org.sparkgru.config;

import org.sparkgru.Choice;

/**
 * {@code model.baseline}: the simple forecast the network corrects. The head predicts the scaled difference between
 * the target and the baseline, which is added back on every output, so that a network whose head outputs zero
 * forecasts exactly the baseline (the residual formulation of N-BEATS and of "forecasting relative to naive").
 */
public enum Baseline implements Choice {
    /** Chosen at training time: naive or seasonal naive, whichever has the lower scaled error on the training parts. */
    AUTO,
    /** No baseline: the head predicts the scaled target itself. */
    NONE,
    /** The window's last value, repeated. */
    NAIVE,
    /** The value one season ({@code model.season} steps) before each forecast step, from the window's last season. */
    SEASONAL_NAIVE;

    /** The choices a trained model can hold (auto is resolved before training). */
    public static final Baseline[] RESOLVED = {NONE, NAIVE, SEASONAL_NAIVE};

    /**
     * Index in a window of {@code lookback} points of the value this baseline repeats at forecast step {@code h}
     * (0-based), or -1 for none.
     */
    public int source(int lookback, int season, int h) {
        return switch (this) {
            case NONE -> -1;
            case NAIVE -> lookback - 1;
            case SEASONAL_NAIVE -> lookback + h - season * (h / season + 1);
            case AUTO -> throw new IllegalStateException("model.baseline = auto is resolved before training");
        };
    }
}
