package org.sparkgru.forecasting;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.sparkgru.config.ConformalIntervals;
import org.sparkgru.config.Fallback;
import org.sparkgru.data.Scaler;
import org.sparkgru.data.Series;
import org.sparkgru.metrics.ErrorSums;
import org.sparkgru.metrics.QuantileSums;

/**
 * A rolling-origin backtest of one partition's series: for origins {@code k = 0 .. K-1} the {@code horizon}
 * points from {@code n - (K - k) horizon} are forecast from the history before them by the model and by two
 * baselines, computed on the same windows: naive (the last value repeated) and seasonal naive (the value one season
 * of {@code season} steps earlier, from the last full season before the origin). Error sums are kept per series and
 * method ({@link ErrorSums}, which also defines the metrics), with the series' MASE scale: seasonal naive's
 * in-sample error on the history before the first origin. A quantile model's quantiles are scored too
 * ({@link QuantileSums}).
 */
public final class Backtest implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Methods, in the order of {@link SeriesResult#sums()}: the labels of {@link Fallback.Source}, in its order. */
    public static final List<String> METHODS = java.util.Arrays.stream(Fallback.Source.values())
            .map(Fallback.Source::label).toList();
    /** The methods of a champion/challenger backtest ({@link #alongside}): the other model second. */
    public static final List<String> METHODS_AGAINST = List.of(METHODS.get(0), "against", METHODS.get(1),
            METHODS.get(2));

    /**
     * One series' outcome: error sums per method (in {@link #METHODS} order), quantile sums per
     * {@link #PROBABILISTIC} method (an entry null where it does not apply) and the MASE scale; or a reason when the
     * series cannot be evaluated ({@code sums} null).
     */
    public record SeriesResult(String id, ErrorSums[] sums, QuantileSums[] quantiles, double maseScale,
                               String skipped) implements Serializable {
        static SeriesResult skipped(String id, String reason) {
            return new SeriesResult(id, null, null, 0, reason);
        }
    }

    /**
     * The probabilistic forecasts a backtest scores ({@link QuantileSums}), in {@link SeriesResult#quantiles()}
     * order: a quantile model's quantiles, and with conformal intervals the model's and seasonal naive's intervals
     * read as quantiles ({@link ConformalIntervals#quantileLevels}).
     */
    public static final List<String> PROBABILISTIC = List.of("model", "model_conformal", "seasonal_naive_conformal");

    private final Forecaster forecaster;
    private final int origins;
    private final int season;
    private final ConformalIntervals intervals;

    /** @param intervals conformal intervals to score for the model and seasonal naive, or null */
    public Backtest(Forecaster forecaster, int origins, int season, ConformalIntervals intervals) {
        this.forecaster = forecaster;
        this.origins = origins;
        this.season = season;
        this.intervals = intervals;
    }

    /** The levels of each {@link #PROBABILISTIC} method this backtest scores, null where it scores none. */
    public double[][] probabilisticLevels() {
        double[] q = forecaster.quantiles();
        double[] c = intervals == null ? null : intervals.quantileLevels();
        return new double[][] {q.length > 0 ? q : null, c, c};
    }

    /** Evaluates every series of a partition; {@code trained} as for {@link Forecaster#forecast}. */
    public Iterator<SeriesResult> run(Iterator<Series> it, Map<String, Scaler> trained) {
        int lookback = forecaster.lookback();
        int horizon = forecaster.horizon();
        List<SeriesResult> out = new ArrayList<>();
        List<Series> batch = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        List<ErrorSums> pending = new ArrayList<>();
        List<QuantileSums> pendingQuantiles = new ArrayList<>();
        double[][] levels = probabilisticLevels();
        while (it.hasNext()) {
            Series s = Forecaster.withTrainedScaler(it.next(), trained);
            int n = s.length();
            int first = n - origins * horizon;
            int need = Math.max(lookback, season + 1);
            if (first < need) {
                out.add(SeriesResult.skipped(s.id, "too short: " + n + " points, " + origins + " origin(s) of "
                        + horizon + " need at least " + (need + origins * horizon)));
                continue;
            }
            int calibrated = intervals == null ? 0 : first - intervals.firstCalibrationOrigin(first, horizon);
            if (intervals != null && first - calibrated < Math.max(lookback, season)) {
                out.add(SeriesResult.skipped(s.id, "too short for conformal intervals: " + n + " points, "
                        + origins + " origin(s) of " + horizon + " after " + intervals.calibrationOrigins()
                        + " calibration origins need at least " + (Math.max(lookback, season) + calibrated
                        + origins * horizon)));
                continue;
            }
            ErrorSums[] sums = new ErrorSums[METHODS.size()];
            for (int m = 0; m < sums.length; m++) {
                sums[m] = new ErrorSums();
            }
            QuantileSums[] probabilistic = new QuantileSums[PROBABILISTIC.size()];
            for (int m = 0; m < probabilistic.length; m++) {
                probabilistic[m] = levels[m] == null ? null : new QuantileSums(levels[m]);
            }
            QuantileSums qs = probabilistic[0];
            out.add(new SeriesResult(s.id, sums, probabilistic, ErrorSums.maseScale(s.values, first, season), null));
            if (intervals != null) {
                scoreConformal(s, first, probabilistic[1], probabilistic[2]);
            }
            for (int k = 0; k < origins; k++) {
                int origin = first + k * horizon;
                for (int h = 0; h < horizon; h++) {
                    double actual = s.values[origin + h];
                    sums[1].add(s.values[origin - 1], actual);
                    int back = season * ((h / season) + 1);
                    sums[2].add(s.values[origin + h - back], actual);
                }
                batch.add(s);
                ends.add(origin);
                pending.add(sums[0]);
                pendingQuantiles.add(qs);
                if (batch.size() == Forecaster.BATCH) {
                    flush(batch, ends, pending, pendingQuantiles);
                }
            }
        }
        if (!batch.isEmpty()) {
            flush(batch, ends, pending, pendingQuantiles);
        }
        for (SeriesResult r : out) {
            for (QuantileSums q : r.quantiles() == null ? new QuantileSums[0] : r.quantiles()) {
                if (q != null) {
                    q.endSeries(r.maseScale());
                }
            }
        }
        return out.iterator();
    }

    /**
     * Scores the conformal intervals of the model and of seasonal naive on every origin of {@code s}, each
     * calibrated on the origins before it ({@link ConformalIntervals}); the model's point forecasts come from one
     * pass over every origin from the first calibration origin to the last evaluated one.
     */
    private void scoreConformal(Series s, int first, QuantileSums model, QuantileSums seasonal) {
        int horizon = forecaster.horizon();
        int from = intervals.firstCalibrationOrigin(first, horizon);
        int last = first + (origins - 1) * horizon;
        double[] fm = forecaster.pointForecasts(s, Fallback.Source.MODEL, season, from, last);
        double[] fs = forecaster.pointForecasts(s, Fallback.Source.SEASONAL_NAIVE, season, from, last);
        double[] q = new double[intervals.quantileLevels().length];
        boolean clamp = forecaster.nonNegative();
        for (int k = 0; k < origins; k++) {
            int origin = first + k * horizon;
            double[] rm = intervals.radii(s.values, fm, from, origin, horizon);
            double[] rs = intervals.radii(s.values, fs, from, origin, horizon);
            for (int h = 0; h < horizon; h++) {
                double actual = s.values[origin + h];
                intervals.asQuantiles(fm[(origin - from) * horizon + h], rm, horizon, h, clamp, q, 0);
                model.add(q, 0, actual);
                intervals.asQuantiles(fs[(origin - from) * horizon + h], rs, horizon, h, false, q, 0);
                seasonal.add(q, 0, actual);
            }
        }
    }

    /**
     * Actual values and forecasts of one series for a chart: the grid {@code step} in words, {@code ticks[i]} grid
     * positions from up to two lookbacks before the first origin to the end, {@code actual[i]}, and the model's and
     * seasonal naive's forecasts ({@code NaN} before the first origin); {@code against} the other model's in a
     * champion/challenger backtest, else null; a quantile model's widest central interval, {@code band} its
     * nominal coverage in percent ({@code lower}, {@code upper} null for a point model).
     */
    public record Curve(String id, String step, long[] ticks, double[] actual, double[] model,
                        double[] seasonalNaive, double[] against, String band, double[] lower, double[] upper)
            implements Serializable {
        /**
         * This curve with the forecasts of {@code other}, the same series' curve from the {@code --against} model,
         * aligned at the series' end (the two lookbacks may differ, and with them where the curves start).
         */
        public Curve withAgainst(Curve other) {
            double[] a = new double[actual.length];
            int shift = other.model.length - a.length;
            for (int i = 0; i < a.length; i++) {
                a[i] = i + shift >= 0 ? other.model[i + shift] : Double.NaN;
            }
            return new Curve(id, step, ticks, actual, model, seasonalNaive, a, band, lower, upper);
        }
    }

    /** The curve of one series (which must be long enough, see {@link #run}). */
    public Curve curve(Series raw, Map<String, Scaler> trained) {
        Series s = Forecaster.withTrainedScaler(raw, trained);
        int horizon = forecaster.horizon();
        int n = s.length();
        int first = n - origins * horizon;
        int from = Math.max(0, first - 2 * forecaster.lookback());
        int len = n - from;
        long[] ticks = new long[len];
        double[] actual = new double[len];
        double[] model = new double[len];
        double[] seasonal = new double[len];
        java.util.Arrays.fill(model, Double.NaN);
        java.util.Arrays.fill(seasonal, Double.NaN);
        for (int i = 0; i < len; i++) {
            ticks[i] = s.grid.timeAt(from + i);
            actual[i] = s.values[from + i];
        }
        double[] levels = forecaster.quantiles();
        int[][] central = QuantileSums.intervals(levels);
        int nq = levels.length;
        boolean conformal = central.length == 0 && intervals != null;
        double[] lower = central.length > 0 || conformal ? nans(len) : null;
        double[] upper = lower == null ? null : nans(len);
        double[] y = new double[horizon];
        double[] q = nq > 0 ? new double[horizon * nq] : null;
        int cFrom = conformal ? intervals.firstCalibrationOrigin(first, horizon) : 0;
        double[] fm = conformal ? forecaster.pointForecasts(s, Fallback.Source.MODEL, season, cFrom,
                first + (origins - 1) * horizon) : null;
        for (int k = 0; k < origins; k++) {
            int origin = first + k * horizon;
            forecaster.predict(List.of(s), new int[] {origin}, y, q);
            for (int h = 0; h < horizon; h++) {
                model[origin + h - from] = y[h];
                seasonal[origin + h - from] = s.values[origin + h - season * ((h / season) + 1)];
                if (central.length > 0) {
                    lower[origin + h - from] = q[h * nq + central[0][0]];
                    upper[origin + h - from] = q[h * nq + central[0][1]];
                }
            }
            if (conformal) {
                // centred and clamped as scoreConformal scores them
                double[] r = intervals.radii(s.values, fm, cFrom, origin, horizon);
                int ends = intervals.quantileLevels().length;
                double[] ci = new double[ends];
                for (int h = 0; h < horizon; h++) {
                    intervals.asQuantiles(fm[(origin - cFrom) * horizon + h], r, horizon, h,
                            forecaster.nonNegative(), ci, 0);
                    lower[origin + h - from] = ci[0]; // the widest level's ends
                    upper[origin + h - from] = ci[ends - 1];
                }
            }
        }
        String band = central.length > 0 ? new QuantileSums(levels).intervalLabel(0).replace('_', '.')
                : conformal ? ConformalIntervals.label(intervals.levels()[intervals.levels().length - 1])
                + " conformal" : null;
        return new Curve(s.id, s.grid.describeStep(), ticks, actual, model, seasonal, null, band, lower, upper);
    }

    private static double[] nans(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }

    /**
     * The results of two backtests of the same input on the same origins side by side: for every series both
     * evaluated, the sums of {@link #METHODS_AGAINST} (ours' model, theirs' model, ours' baselines); a series either
     * could not evaluate is skipped with the reason, {@code problems} naming why theirs could not assemble a series.
     */
    public static List<SeriesResult> alongside(List<SeriesResult> ours, List<SeriesResult> theirs,
                                               Map<String, String> problems) {
        Map<String, SeriesResult> byId = new java.util.HashMap<>();
        theirs.forEach(r -> byId.put(r.id(), r));
        List<SeriesResult> out = new ArrayList<>();
        for (SeriesResult r : ours) {
            SeriesResult t = byId.get(r.id());
            String reason = r.skipped() != null ? null : t == null ? problems.getOrDefault(r.id(), "not in its input")
                    : t.skipped();
            if (r.skipped() != null) {
                out.add(r);
            } else if (reason != null) {
                out.add(SeriesResult.skipped(r.id(), "the --against model cannot evaluate it: " + reason));
            } else {
                out.add(new SeriesResult(r.id(), new ErrorSums[] {r.sums()[0], t.sums()[0], r.sums()[1],
                        r.sums()[2]}, r.quantiles(), r.maseScale(), null));
            }
        }
        return out;
    }

    private void flush(List<Series> batch, List<Integer> ends, List<ErrorSums> pending,
                       List<QuantileSums> pendingQuantiles) {
        int horizon = forecaster.horizon();
        int nq = forecaster.quantileCount();
        double[] y = new double[batch.size() * horizon];
        double[] q = nq > 0 ? new double[batch.size() * horizon * nq] : null;
        forecaster.predict(batch, ends.stream().mapToInt(Integer::intValue).toArray(), y, q);
        for (int b = 0; b < batch.size(); b++) {
            Series s = batch.get(b);
            for (int h = 0; h < horizon; h++) {
                double actual = s.values[ends.get(b) + h];
                pending.get(b).add(y[b * horizon + h], actual);
                if (q != null) {
                    pendingQuantiles.get(b).add(q, (b * horizon + h) * nq, actual);
                }
            }
        }
        batch.clear();
        ends.clear();
        pending.clear();
        pendingQuantiles.clear();
    }
}
