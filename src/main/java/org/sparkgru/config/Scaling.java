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
    /** Raw values. */
    NONE;

    /** Whether assembly fits the target's scaler per series. */
    public boolean perSeriesTarget() {
        return this == SERIES;
    }

    /** Whether assembly fits the covariates' scalers per series. */
    public boolean perSeriesFeatures() {
        return this == SERIES || this == WINDOW;
    }
}
