package org.sparkgru.data;

import java.io.Serializable;

/**
 * What ingestion and featurization need to know of the model's sizes: the input window ({@code lookback} steps)
 * and the forecast ({@code horizon} steps). A training window at offset {@code o} reads inputs
 * {@code [o, o + lookback)} and targets {@code [o + lookback, o + lookback + horizon)}, all inside the training
 * part (the last {@code horizon} points of a series are validation targets only); the validation window of a
 * series predicts its last {@code horizon} points from the {@code lookback} before them.
 *
 * @param lookback input steps (> 0)
 * @param horizon  forecast steps (>= 0; 0 when assembling history to forecast from)
 */
public record WindowShape(int lookback, int horizon) implements Serializable {

    /** Number of training windows of a series (or chunk): they end before its validation points. */
    public int trainingWindows(Series s) {
        return Math.max(0, s.length() - s.validationPoints - lookback - horizon + 1);
    }

    /** Whether a series (or chunk) has the validation window. */
    public boolean hasValidation(Series s) {
        return s.validationPoints > 0 && s.length() >= lookback + horizon;
    }
}
