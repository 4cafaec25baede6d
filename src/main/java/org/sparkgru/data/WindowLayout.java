package org.sparkgru.data;

import java.io.Serializable;
import java.util.List;
import org.sparkgru.config.Baseline;
import org.sparkgru.config.Scaling;
import org.sparkgru.config.TargetTransform;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.kernel.Bptt;
import org.sparkgru.model.Ensemble;

/**
 * The featurization boundary: how a window of a cached series becomes network input, and how the network's output
 * becomes a forecast in the original scale. The one definition used by training, validation, forecasting and the
 * backtest. Windows are resolved against the series at use, never materialized.
 *
 * <p>Inputs per step ({@link #inputWidth()} wide): the scaled target, the standardized covariates (past, then
 * known-future), then the calendar sine/cosine pairs. The head's context ({@link #contextWidth()} wide,
 * {@code horizon x F} for the last {@code F} covariates, the known-future ones of {@code data.futureFeatures}) holds
 * those covariates, standardized the same way, at the window's forecast steps, step-major ({@code h * F + f}): the
 * head reads them beside the last hidden state, so output step {@code h} sees the values of its own step (and its
 * neighbours'). Calendar features need no such wiring: the calendar of every forecast step follows from the last
 * input step's, which the encoder reads. The series' static covariates ({@link StaticCovariates}) are inputs of
 * every step, after the calendar pairs: the numeric ones standardized, then the categorical ones as embeddings
 * that the network looks up from the rows {@link #fill} gives it ({@link Bptt#categories()}), in the last
 * {@code K x model.embeddingDim} columns, so that the recurrence itself depends on them. The target is first transformed ({@link TargetTransform}: {@code v} below is the
 * transformed value, and every forecast is transformed back as its last step but the clamp), then scaled as
 * {@code (v - mean) / scale} with {mean, scale} from
 * {@link #scaler}: the series' fitted scaler ({@code data.scaling = series, global, none}), or the window's own
 * statistics over its {@code lookback} inputs ({@code revin}: mean and standard deviation; {@code window}: 0 and
 * the mean absolute value), which need no history.
 *
 * <p>With a {@link Baseline} the head's output {@code o_h} at step {@code h} is a correction to the baseline's value
 * {@code b_h} (computed from the window's original values, {@link Baseline#value}, then transformed): the training
 * target is {@code (v - mean) / scale - (b_h - mean) / scale} and the forecast {@code b_h + o_h scale}, so an output
 * of zero forecasts the baseline exactly.
 *
 * <p>With {@link #quantiles} the head has {@code horizon x Q} outputs, step-major ({@code h * Q + q}), each trained
 * against the step's target; forecasts of a step are the Q outputs mapped to the original scale and sorted, so that
 * quantiles never cross (the monotone rearrangement of Chernozhukov, Fernández-Val and Galichon 2010, which can only
 * lower the pinball loss), and the point forecast is the median among them.
 */
public final class WindowLayout implements Serializable {
    private static final long serialVersionUID = 4L;

    private final WindowShape shape;
    private final TargetTransform transform;
    private final int featureCount;
    private final int futureCount;
    private final int staticNumeric;
    private final int staticCategorical;
    private final int embedded;
    private final CalendarFeatures calendar;
    private final Scaling scaling;
    private final Baseline baseline;
    private final int season;
    private final boolean nonNegative;
    private final double[] quantiles;
    private final int median;

    /**
     * @param featureCount covariates per step, past and known-future
     * @param futureCount  how many of them, the last ones, are known-future ({@code data.futureFeatures})
     * @param statics      the static covariates ({@code data.staticFeatures}), whose numbers of numeric and
     *                     categorical columns the series' {@link Series#statics} have
     * @param embeddingDim values per embedding row of a categorical static covariate
     * @param baseline    one of {@link Baseline#RESOLVED}
     * @param season      the seasonal baseline's season, at most {@code shape.lookback()} when it is used
     * @param nonNegative whether forecasts are clamped at 0 ({@code model.nonNegative})
     * @param quantiles   the forecast quantiles, increasing and holding 0.5 ({@code model.quantiles}); empty: a point
     *                    forecast
     */
    public WindowLayout(WindowShape shape, int featureCount, int futureCount, StaticCovariates statics,
                        int embeddingDim, CalendarFeatures calendar,
                        TargetTransform transform, Scaling scaling, Baseline baseline, int season, boolean nonNegative,
                        double[] quantiles) {
        if (futureCount < 0 || futureCount > featureCount) {
            throw new IllegalArgumentException(futureCount + " known-future covariates of " + featureCount);
        }
        if (baseline == Baseline.AUTO || (baseline.seasonal() && season > shape.lookback())) {
            throw new IllegalArgumentException("baseline " + baseline.id() + " with season " + season
                    + " and lookback " + shape.lookback());
        }
        this.shape = shape;
        this.transform = transform;
        this.featureCount = featureCount;
        this.futureCount = futureCount;
        this.staticNumeric = statics.numericCount();
        this.staticCategorical = statics.categoricalCount();
        this.embedded = staticCategorical * embeddingDim;
        this.calendar = calendar;
        this.scaling = scaling;
        this.baseline = baseline;
        this.season = season;
        this.nonNegative = nonNegative;
        this.quantiles = quantiles.clone();
        this.median = java.util.Arrays.binarySearch(this.quantiles, 0.5);
        if (quantiles.length > 0 && median < 0) {
            throw new IllegalArgumentException("quantiles " + java.util.Arrays.toString(quantiles) + " without 0.5");
        }
    }

    /** The layout of a resolved configuration ({@link TrainConfig#resolved}) and its fitted static covariates. */
    public static WindowLayout of(TrainConfig cfg, StaticCovariates statics) {
        TrainConfig.Model m = cfg.model();
        TrainConfig.Data d = cfg.data();
        return new WindowLayout(new WindowShape(m.lookback(), m.horizon()), d.covariates().size(),
                d.futureFeatures().size(), statics, m.embeddingDim(), new CalendarFeatures(d.calendar(), d.timeZone()), d.transform(), d.scaling(), m.baseline(), m.season(),
                m.nonNegative(), m.quantiles().stream().mapToDouble(Double::doubleValue).toArray());
    }

    public WindowShape shape() {
        return shape;
    }

    /** The forecast quantiles, increasing; empty for a point forecast. */
    public double[] quantiles() {
        return quantiles.clone();
    }

    /** Whether forecasts are clamped at 0 ({@code model.nonNegative}). */
    public boolean nonNegative() {
        return nonNegative;
    }

    /** The network's outputs per forecast step: the number of quantiles, or 1. */
    public int outputsPerStep() {
        return Math.max(1, quantiles.length);
    }

    /**
     * The network's input width: target, covariates, calendar pairs, numeric static covariates, then the embedded
     * columns of the categorical ones (filled by the network).
     */
    public int inputWidth() {
        return 1 + featureCount + calendar.width() + staticNumeric + embedded;
    }

    /** The head's context width: {@code horizon x} the known-future covariates; 0 without them. */
    public int contextWidth() {
        return shape.horizon() * futureCount;
    }

    /** The number of known-future covariates, the last ones of each step ({@code data.futureFeatures}). */
    public int futureCount() {
        return futureCount;
    }

    /** The target scaler {mean, scale} of the window at {@code offset}, into {@code out}. */
    public float[] scaler(Series s, int offset, float[] out) {
        int lookback = shape.lookback();
        switch (scaling) {
            case WINDOW -> {
                double sum = 0;
                for (int t = offset; t < offset + lookback; t++) {
                    sum += Math.abs(transform.apply(s.values[t]));
                }
                float m = (float) (sum / lookback);
                out[0] = 0f;
                out[1] = m > 0 ? m : 1f;
            }
            case REVIN -> {
                double sum = 0;
                for (int t = offset; t < offset + lookback; t++) {
                    sum += transform.apply(s.values[t]);
                }
                double mean = sum / lookback;
                double ss = 0;
                for (int t = offset; t < offset + lookback; t++) {
                    double d = transform.apply(s.values[t]) - mean;
                    ss += d * d;
                }
                double sd = Math.sqrt(ss / lookback);
                // a constant window: its level as the scale (1 at zero), so changes after it stay finite
                double scale = sd > 1e-6 * Math.max(1, Math.abs(mean)) ? sd : Math.abs(mean) > 0 ? Math.abs(mean) : 1;
                out[0] = (float) mean;
                out[1] = (float) scale;
            }
            default -> {
                out[0] = s.scaler.mean();
                out[1] = s.scaler.scale();
            }
        }
        return out;
    }

    /**
     * Writes the inputs of the window at {@code offset} as sample {@code b} of a time-major batch of {@code batch}
     * ({@code x[(t * batch + b) * inputWidth() + i]}), its head context into {@code c[b * contextWidth() ...]}
     * (the known-future covariates of its forecast steps, which {@code s} must hold: inside the series, or in
     * {@link Series#future} after it), its categorical static covariates' embedding rows into
     * {@code cats[b * K ...]} (the network fills the last columns of {@code x} from them), and, when {@code y} is not null, its training targets into
     * {@code y[b * horizon * outputsPerStep() ...]}: the scaled values minus the scaled baseline, with the target
     * scaler {@code ms} = {mean, scale} from {@link #scaler}, each step's repeated for every quantile.
     */
    public void fill(Series s, int offset, int b, int batch, float[] x, float[] c, int[] cats, float[] y,
                     float[] ms) {
        if (s.statics.numeric().length != staticNumeric || s.statics.codes().length != staticCategorical) {
            throw new IllegalStateException("series '" + s.id + "' has " + s.statics.numeric().length + " + "
                    + s.statics.codes().length + " static covariates, the layout " + staticNumeric + " + "
                    + staticCategorical);
        }
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
            x[i] = (transform.apply(s.values[p]) - mean) * inv;
            for (int k = 0; k < f; k++) {
                x[i + 1 + k] = (s.features[p * f + k] - fMean[k]) / fScale[k];
            }
            calendar.write(s.grid.kind(), s.grid.timeAt(p), x, i + 1 + f);
            if (staticNumeric > 0) {
                System.arraycopy(s.statics.numeric(), 0, x, i + width - embedded - staticNumeric, staticNumeric);
            }
        }
        if (futureCount > 0) {
            int first = f - futureCount;
            int end = offset + lookback;
            int ci = b * contextWidth();
            for (int h = 0; h < shape.horizon(); h++) {
                for (int k = first; k < f; k++) {
                    float v = s.covariate(end + h, k);
                    if (Float.isNaN(v)) {
                        throw new IllegalStateException("series '" + s.id + "' has no known-future covariate " + k
                                + " at point " + (end + h) + "; the assembler reads them for every forecast step");
                    }
                    c[ci++] = (v - fMean[k]) / fScale[k];
                }
            }
        }
        System.arraycopy(s.statics.codes(), 0, cats, b * staticCategorical, staticCategorical);
        if (y != null) {
            int horizon = shape.horizon();
            int per = outputsPerStep();
            for (int h = 0; h < horizon; h++) {
                float base = baseline == Baseline.NONE ? 0f
                        : (transform.apply((float) baseline.value(s.values, offset, lookback, season, h)) - mean) * inv;
                float target = (transform.apply(s.values[offset + lookback + h]) - mean) * inv - base;
                java.util.Arrays.fill(y, (b * horizon + h) * per, (b * horizon + h + 1) * per, target);
            }
        }
    }

    /**
     * Forecasts, in the original scale, the {@code horizon} points after index {@code ends[b] - 1} of series
     * {@code b} from the {@code lookback} points before it, through the forward pass of workspace {@code k}
     * (at most its batch size of series), into {@code out[b * horizon + h]}: the baseline's value plus the output
     * times the window's scale, or without a baseline the output unscaled, clamped at 0 with {@code nonNegative}
     * (after the ensemble's median, so that validation, backtests and forecasts agree). For an {@link Ensemble} ({@code params}
     * holding several members) the output is the median of the members' outputs. With {@link #quantiles} the
     * point forecast is the median quantile; see {@link #forecast(Bptt, float[], List, int[], double[], double[])}.
     */
    public void forecast(Bptt k, float[] params, List<Series> batch, int[] ends, double[] out) {
        forecast(k, params, batch, ends, out, null);
    }

    /**
     * As {@link #forecast(Bptt, float[], List, int[], double[])}, and with {@link #quantiles} also every quantile,
     * sorted, into {@code levels[(b * horizon + h) * Q + q]} when {@code levels} is not null.
     */
    public void forecast(Bptt k, float[] params, List<Series> batch, int[] ends, double[] out, double[] levels) {
        int lookback = k.window();
        int horizon = shape.horizon();
        int per = outputsPerStep();
        int n = batch.size();
        float[] scalers = new float[2 * n];
        float[] ms = new float[2];
        for (int b = 0; b < n; b++) {
            Series s = batch.get(b);
            int offset = ends[b] - lookback;
            scaler(s, offset, ms);
            scalers[2 * b] = ms[0];
            scalers[2 * b + 1] = ms[1];
            fill(s, offset, b, n, k.input(), k.context(), k.categories(), null, ms);
        }
        int members = Ensemble.members(k.spec(), params.length);
        if (members == 1) {
            k.forward(params, n);
        } else {
            forwardMedian(k, params, members, n);
        }
        float[] y = k.output();
        double[] step = new double[per];
        for (int b = 0; b < n; b++) {
            float[] v = batch.get(b).values;
            int offset = ends[b] - lookback;
            for (int h = 0; h < horizon; h++) {
                double level = baseline == Baseline.NONE ? scalers[2 * b]
                        : transform.apply(baseline.value(v, offset, lookback, season, h));
                int i = (b * horizon + h) * per;
                for (int q = 0; q < per; q++) {
                    double f = transform.invert(level + y[i + q] * (double) scalers[2 * b + 1]);
                    step[q] = nonNegative ? Math.max(0, f) : f;
                }
                if (per > 1) {
                    java.util.Arrays.sort(step);
                    if (levels != null) {
                        System.arraycopy(step, 0, levels, i, per);
                    }
                }
                out[b * horizon + h] = step[Math.max(0, median)];
            }
        }
    }

    /**
     * Runs every member of an {@link Ensemble} on the kernel's filled input and leaves the median of their head
     * outputs in {@code k.output()}. The median of the scaled outputs is the median of the forecasts, because
     * undoing the scaling and adding the baseline is the same increasing map for every member.
     */
    private static void forwardMedian(Bptt k, float[] params, int members, int n) {
        int size = k.layout().size();
        int outputs = n * k.spec().outputs();
        float[] one = new float[size];
        float[] all = new float[members * outputs];
        for (int m = 0; m < members; m++) {
            System.arraycopy(params, m * size, one, 0, size);
            k.forward(one, n);
            System.arraycopy(k.output(), 0, all, m * outputs, outputs);
        }
        float[] y = k.output();
        float[] point = new float[members];
        for (int i = 0; i < outputs; i++) {
            for (int m = 0; m < members; m++) {
                point[m] = all[m * outputs + i];
            }
            y[i] = Ensemble.median(point, members);
        }
    }
}
