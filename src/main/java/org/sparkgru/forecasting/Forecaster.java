package org.sparkgru.forecasting;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.sparkgru.config.ConformalIntervals;
import org.sparkgru.config.Fallback;
import org.sparkgru.data.Scaler;
import org.sparkgru.data.Series;
import org.sparkgru.data.WindowLayout;
import org.sparkgru.kernel.WorkspacePool;
import org.sparkgru.model.NetworkSpec;

/**
 * Forecasts series on an executor: for every series, the last {@code lookback} points are scaled (with the
 * series' training scalers when the model has them, its own history otherwise, or per window) and laid out by the
 * model's {@link WindowLayout}, run through the kernel's forward pass in batches of up to {@value #BATCH} series
 * (an inference workspace: no backward buffers), and the {@code horizon} outputs are unscaled and emitted with
 * their future times on the series' grid (with the model's quantiles, when it has them, sorted: {@link WindowLayout}).
 */
public final class Forecaster implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int BATCH = 256;
    private static final WorkspacePool WORKSPACES = WorkspacePool.inference(BATCH);

    /**
     * One forecast point: series, grid tick of the forecast time, step (1..horizon), value and its source, the
     * model's quantiles at {@link #quantiles()} levels (null for a point model, or where a baseline forecast it),
     * and the conformal intervals' ends {lower, upper} per level ({@link ConformalIntervals#columns} order; null
     * without intervals, or for a series with too little history to calibrate them).
     */
    public record Point(String id, long tick, int step, double value, Fallback.Source source, double[] quantiles,
                        double[] bounds) implements Serializable {
    }

    /**
     * Series that a baseline forecasts instead of the network ({@code forecast.fallback}), with the season of
     * seasonal naive.
     */
    public record Fallbacks(Map<String, Fallback.Source> sources, int season) implements Serializable {
        public static final Fallbacks NONE = new Fallbacks(Map.of(), 1);

        /** The source of the series {@code s}: its fallback when it has one and the history holds a season. */
        Fallback.Source of(Series s) {
            Fallback.Source src = sources.getOrDefault(s.id, Fallback.Source.MODEL);
            return src == Fallback.Source.SEASONAL_NAIVE && s.length() < season ? Fallback.Source.MODEL : src;
        }
    }

    private final NetworkSpec spec;
    private final float[] params;
    private final WindowLayout layout;

    public Forecaster(NetworkSpec spec, float[] params, WindowLayout layout) {
        this.spec = spec;
        this.params = params;
        this.layout = layout;
    }

    /**
     * Forecasts every series of a partition; {@code trained} maps series seen in training to their scalers (others
     * keep the scalers they were assembled with); the series of {@code fallbacks} are forecast by their baseline;
     * with {@code intervals} (else null) each point carries its conformal interval ends.
     */
    public Iterator<Point> forecast(Iterator<Series> it, Map<String, Scaler> trained, Fallbacks fallbacks,
                                    ConformalIntervals intervals) {
        List<Point> out = new ArrayList<>();
        List<Series> batch = new ArrayList<>(BATCH);
        while (it.hasNext()) {
            batch.add(withTrainedScaler(it.next(), trained));
            if (batch.size() == BATCH) {
                run(batch, fallbacks, intervals, out);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            run(batch, fallbacks, intervals, out);
        }
        return out.iterator();
    }

    /** {@code s} with its training scalers when it was seen in training, unchanged otherwise. */
    static Series withTrainedScaler(Series s, Map<String, Scaler> trained) {
        Scaler sc = trained.get(s.id);
        return sc == null ? s : s.withScaler(sc);
    }

    private void run(List<Series> batch, Fallbacks fallbacks, ConformalIntervals intervals, List<Point> out) {
        int n = batch.size();
        int[] ends = new int[n];
        for (int b = 0; b < n; b++) {
            ends[b] = batch.get(b).length();
        }
        int horizon = horizon();
        int nq = quantileCount();
        double[] y = new double[n * horizon];
        double[] levels = nq > 0 ? new double[n * horizon * nq] : null;
        predict(batch, ends, y, levels);
        for (int b = 0; b < n; b++) {
            Series s = batch.get(b);
            Fallback.Source source = fallbacks.of(s);
            boolean model = source == Fallback.Source.MODEL;
            double[] radii = intervals == null ? null : radii(s, source, fallbacks.season(), s.length(), intervals);
            for (int h = 0; h < horizon; h++) {
                int i = b * horizon + h;
                double v = model ? y[i] : source.baseline().value(s.values, 0, s.length(), fallbacks.season(), h);
                double[] q = model && nq > 0 ? Arrays.copyOfRange(levels, i * nq, (i + 1) * nq) : null;
                out.add(new Point(s.id, s.grid.timeAt(s.length() - 1 + h + 1), h + 1, v, source, q,
                        radii == null ? null : bounds(v, radii, horizon, h, intervals)));
            }
        }
    }

    /**
     * {lower, upper} per level around {@code v} ({@link ConformalIntervals#columns} order), the lower end clamped
     * at 0 for a non-negative model.
     */
    private double[] bounds(double v, double[] radii, int horizon, int h, ConformalIntervals intervals) {
        int n = intervals.levels().length;
        double[] q = new double[2 * n + 1];
        intervals.asQuantiles(v, radii, horizon, h, nonNegative(), q, 0);
        double[] b = new double[2 * n];
        for (int l = 0; l < n; l++) {
            b[2 * l] = q[n - 1 - l];
            b[2 * l + 1] = q[n + 1 + l];
        }
        return b;
    }

    /** Whether the model's forecasts are clamped at 0. */
    boolean nonNegative() {
        return layout.nonNegative();
    }

    /**
     * The conformal radii ({@link ConformalIntervals#radii}) of a forecast of {@code s} from {@code origin} by
     * {@code source}, or null when the series' history before the first calibration origin is shorter than the
     * forecaster needs ({@link #history}).
     */
    double[] radii(Series s, Fallback.Source source, int season, int origin, ConformalIntervals intervals) {
        int from = intervals.firstCalibrationOrigin(origin, horizon());
        if (from < history(source, season)) {
            return null;
        }
        int to = origin - horizon();
        return intervals.radii(s.values, pointForecasts(s, source, season, from, to), from, origin, horizon());
    }

    /** The history a forecast by {@code source} needs before its origin: the lookback, a season, or one point. */
    int history(Fallback.Source source, int season) {
        return switch (source) {
            case MODEL -> lookback();
            case SEASONAL_NAIVE -> season;
            case NAIVE -> 1;
        };
    }

    /**
     * Point forecasts of {@code s} by {@code source} from every origin {@code c} in {@code [from, to]}, into
     * {@code [(c - from) * horizon + h]}: the model's through the network in batches of {@value #BATCH} windows, a
     * baseline's from the values before {@code c}.
     */
    double[] pointForecasts(Series s, Fallback.Source source, int season, int from, int to) {
        int horizon = horizon();
        int n = to - from + 1;
        double[] out = new double[n * horizon];
        if (source != Fallback.Source.MODEL) {
            for (int c = from; c <= to; c++) {
                for (int h = 0; h < horizon; h++) {
                    out[(c - from) * horizon + h] = source.baseline().value(s.values, 0, c, season, h);
                }
            }
            return out;
        }
        for (int start = 0; start < n; start += BATCH) {
            int m = Math.min(BATCH, n - start);
            int[] ends = new int[m];
            for (int b = 0; b < m; b++) {
                ends[b] = from + start + b;
            }
            double[] y = new double[m * horizon];
            predict(java.util.Collections.nCopies(m, s), ends, y, null);
            System.arraycopy(y, 0, out, start * horizon, m * horizon);
        }
        return out;
    }

    /**
     * Forecasts, in the original scale, the {@code horizon} points after index {@code ends[b] - 1} of series
     * {@code b} from the {@code lookback} points before {@code ends[b]}; at most {@value #BATCH} series, into
     * {@code out[b * horizon + h]}, and the sorted quantiles into {@code levels[(b * horizon + h) * Q + q]} when
     * it is not null.
     */
    void predict(List<Series> batch, int[] ends, double[] out, double[] levels) {
        try (WorkspacePool.Lease lease = WORKSPACES.lease(spec, lookback())) {
            layout.forecast(lease.kernel(), params, batch, ends, out, levels);
        }
    }

    /** The model's forecast quantiles, increasing; empty for a point model. */
    public double[] quantiles() {
        return layout.quantiles();
    }

    int quantileCount() {
        return layout.quantiles().length;
    }

    int lookback() {
        return layout.shape().lookback();
    }

    int horizon() {
        return layout.shape().horizon();
    }
}
