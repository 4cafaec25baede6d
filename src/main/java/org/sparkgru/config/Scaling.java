package org.sparkgru.config;

import org.sparkgru.Choice;

/** {@code data.scaling}: how the target and covariates are standardized before they reach the network. */
public enum Scaling implements Choice {
    /** Target and covariates standardized per series on its training part. */
    SERIES,
    /** One scaler for all series, fitted on all training parts. */
    GLOBAL,
    /** The target divided by its window's mean absolute value at use; covariates per series. */
    WINDOW,
    /**
     * Reversible instance normalization (RevIN, Kim et al. 2022): the target minus its window's mean, divided by the
     * window's standard deviation, undone on the outputs, so forecasts follow level shifts and trends that leave
     * the training range; covariates per series.
     */
    REVIN,
    /** Raw values. */
    NONE;

    /** Whether the target is scaled per window, at use, rather than by a fitted scaler. */
    public boolean perWindowTarget() {
        return this == WINDOW || this == REVIN;
    }

    /** Whether assembly fits the target's scaler per series. */
    public boolean perSeriesTarget() {
        return this == SERIES;
    }

    /** Whether assembly fits the covariates' scalers per series. */
    public boolean perSeriesFeatures() {
        return this == SERIES || this == WINDOW || this == REVIN;
    }
}
