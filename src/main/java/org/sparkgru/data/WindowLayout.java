package org.sparkgru.data;

import java.io.Serializable;
import java.util.List;
import org.sparkgru.config.Scaling;
import org.sparkgru.kernel.Bptt;

/**
 * The featurization boundary: how a window of a cached series becomes network input, and how the network's output
 * becomes a forecast in the original scale. The one definition used by training, validation, forecasting and the
 * backtest. Windows are resolved against the series at use, never materialized.
 *
 * <p>Inputs per step ({@link #inputWidth()} wide): the scaled target, the standardized covariates, then the
 * calendar sine/cosine pairs. Targets are scaled with the series' scaler, or with {@code data.scaling = window}
 * by the mean absolute value of the input window (mean 0; scale 1 when it is 0), which needs no history.
 */
public final class WindowLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    private final WindowShape shape;
    private final int featureCount;
    private final CalendarFeatures calendar;
    private final boolean windowScaling;

    public WindowLayout(WindowShape shape, int featureCount, CalendarFeatures calendar, Scaling scaling) {
        this.shape = shape;
        this.featureCount = featureCount;
        this.calendar = calendar;
        this.windowScaling = scaling == Scaling.WINDOW;
    }

    public WindowShape shape() {
        return shape;
    }

    /** The network's input width: target, covariates, calendar pairs. */
    public int inputWidth() {
        return 1 + featureCount + calendar.width();
    }

    /** The target scaler {mean, scale} of the window at {@code offset}, into {@code out}. */
    public float[] scaler(Series s, int offset, float[] out) {
        if (!windowScaling) {
            out[0] = s.scaler.mean();
            out[1] = s.scaler.scale();
            return out;
        }
        double sum = 0;
        for (int t = offset; t < offset + shape.lookback(); t++) {
            sum += Math.abs(s.values[t]);
        }
        float m = (float) (sum / shape.lookback());
        out[0] = 0f;
        out[1] = m > 0 ? m : 1f;
        return out;
    }

    /**
     * Writes the inputs of the window at {@code offset} as sample {@code b} of a time-major batch of {@code batch}
     * ({@code x[(t * batch + b) * inputWidth() + i]}), and, when {@code y} is not null, its scaled targets into
     * {@code y[b * horizon ...]}, with the target scaler {@code ms} = {mean, scale} from {@link #scaler}.
     */
    public void fill(Series s, int offset, int b, int batch, float[] x, float[] y, float[] ms) {
        int f = s.featureCount;
        int width = inputWidth();
        int lookback = shape.lookback();
        float mean = ms[0];
        float inv = 1f / ms[1];
        float[] fMean = s.scaler.featureMean();
        float[] fScale = s.scaler.featureScale();
        for (int t = 0; t < lookback; t++) {
            int i = (t * batch + b) * width;
            int p = offset + t;
            x[i] = (s.values[p] - mean) * inv;
            for (int k = 0; k < f; k++) {
                x[i + 1 + k] = (s.features[p * f + k] - fMean[k]) / fScale[k];
            }
            calendar.write(s.grid.kind(), s.grid.timeAt(p), x, i + 1 + f);
        }
        if (y != null) {
            int horizon = shape.horizon();
            for (int h = 0; h < horizon; h++) {
                y[b * horizon + h] = (s.values[offset + lookback + h] - mean) * inv;
            }
        }
    }

    /**
     * Forecasts, in the original scale, the {@code horizon} points after index {@code ends[b] - 1} of series
     * {@code b} from the {@code lookback} points before it, through the forward pass of workspace {@code k}
     * (at most its batch size of series), into {@code out[b * horizon + h]}.
     */
    public void forecast(Bptt k, float[] params, List<Series> batch, int[] ends, double[] out) {
        int lookback = k.window();
        int horizon = k.spec().outputs();
        int n = batch.size();
        float[] scalers = new float[2 * n];
        float[] ms = new float[2];
        for (int b = 0; b < n; b++) {
            Series s = batch.get(b);
            int offset = ends[b] - lookback;
            scaler(s, offset, ms);
            scalers[2 * b] = ms[0];
            scalers[2 * b + 1] = ms[1];
            fill(s, offset, b, n, k.input(), null, ms);
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
