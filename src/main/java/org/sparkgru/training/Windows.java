package org.sparkgru.training;

import org.sparkgru.data.CalendarFeatures;
import java.util.List;
import org.sparkgru.data.Series;
import org.sparkgru.kernel.Bptt;

/**
 * Windows resolved against cached series at use, never materialized. A training window at offset {@code o} reads
 * inputs {@code [o, o + lookback)} and targets {@code [o + lookback, o + lookback + horizon)}, all inside the
 * training part (the last {@code horizon} points of a series are validation targets only); the validation window
 * of a series predicts its last {@code horizon} points from the {@code lookback} before them.
 *
 * <p>Inputs per step: the standardized target, the standardized covariates, then the calendar features
 * ({@code 1 + featureCount + calendar.width()} wide).
 */
public final class Windows {
    private Windows() {
    }

    /** Number of training windows of a series (or chunk): they end before its validation points. */
    public static int trainingWindows(Series s, int lookback, int horizon) {
        return Math.max(0, s.length() - s.validationPoints - lookback - horizon + 1);
    }

    /** Whether a series (or chunk) has the validation window. */
    public static boolean hasValidation(Series s, int lookback, int horizon) {
        return s.validationPoints > 0 && s.length() >= lookback + horizon;
    }

    /** Offset of a series' validation window. */
    public static int validationOffset(Series s, int lookback, int horizon) {
        return s.length() - horizon - lookback;
    }

    /**
     * The window's target scaler {mean, scale}: the series' own, or with {@code windowScaling} mean 0 and the mean
     * absolute value of the input window (1 when it is 0), which needs no history.
     */
    public static float[] scaler(Series s, int offset, int lookback, boolean windowScaling, float[] out) {
        if (!windowScaling) {
            out[0] = s.mean;
            out[1] = s.scale;
            return out;
        }
        double sum = 0;
        for (int t = offset; t < offset + lookback; t++) {
            sum += Math.abs(s.values[t]);
        }
        float m = (float) (sum / lookback);
        out[0] = 0f;
        out[1] = m > 0 ? m : 1f;
        return out;
    }

    /**
     * Writes the inputs of the window at {@code offset} as sample {@code b} of a time-major batch of {@code batch}
     * ({@code x[(t * batch + b) * width + i]}), and its scaled targets into {@code y[b * horizon ...]}, with the
     * target scaler {@code ms} = {mean, scale} from {@link #scaler}.
     */
    public static void fill(Series s, CalendarFeatures calendar, int offset, int lookback, int horizon, int b,
                            int batch, float[] x, float[] y, float[] ms) {
        int f = s.featureCount;
        int width = 1 + f + calendar.width();
        float mean = ms[0];
        float inv = 1f / ms[1];
        for (int t = 0; t < lookback; t++) {
            int i = (t * batch + b) * width;
            int p = offset + t;
            x[i] = (s.values[p] - mean) * inv;
            for (int k = 0; k < f; k++) {
                x[i + 1 + k] = (s.features[p * f + k] - s.featureMean[k]) / s.featureScale[k];
            }
            calendar.write(s.grid.kind(), s.grid.timeAt(p), x, i + 1 + f);
        }
        if (y != null) {
            for (int h = 0; h < horizon; h++) {
                y[b * horizon + h] = (s.values[offset + lookback + h] - mean) * inv;
            }
        }
    }

    /**
     * Forecasts, in the original scale, the {@code horizon} points after index {@code ends[b] - 1} of series
     * {@code b} from the {@code lookback} points before it, through the forward pass of workspace {@code k}
     * (at most its batch size of series), into {@code out[b * horizon + h]}. Shared by validation and forecasting.
     */
    public static void forecast(Bptt k, float[] params, List<Series> batch, int[] ends, CalendarFeatures calendar,
                                boolean windowScaling, double[] out) {
        int lookback = k.window();
        int horizon = k.spec().outputs();
        int n = batch.size();
        float[] scalers = new float[2 * n];
        float[] ms = new float[2];
        for (int b = 0; b < n; b++) {
            Series s = batch.get(b);
            int offset = ends[b] - lookback;
            scaler(s, offset, lookback, windowScaling, ms);
            scalers[2 * b] = ms[0];
            scalers[2 * b + 1] = ms[1];
            fill(s, calendar, offset, lookback, horizon, b, n, k.input(), null, ms);
        }
        k.forward(params, n);
        float[] y = k.output();
        for (int b = 0; b < n; b++) {
            for (int h = 0; h < horizon; h++) {
                out[b * horizon + h] = y[b * horizon + h] * (double) scalers[2 * b + 1] + scalers[2 * b];
            }
        }
    }
}
