package org.sparkgru.forecasting;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.sparkgru.data.Series;

/**
 * A rolling-origin backtest of one partition's series: for origins {@code k = 0 .. K-1} the {@code horizon}
 * points from {@code n - (K - k) horizon} are forecast from the history before them by the model and by two
 * baselines, computed on the same windows: naive (the last value repeated) and seasonal naive (the value one season
 * of {@code season} steps earlier, from the last full season before the origin). Error sums are kept per series and
 * method; {@link Metrics} turns them into MAE, RMSE, MAPE, sMAPE and MASE.
 */
public final class Backtest implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Methods, in the order of {@link SeriesResult#sums()}. */
    public static final List<String> METHODS = List.of("model", "naive", "seasonal_naive");

    /**
     * Per-series sums: for each method {abs error, squared error, abs percentage error (non-zero actuals), sMAPE
     * term}, then {points, non-zero actuals, MASE scale}; or a reason when the series cannot be evaluated.
     */
    public record SeriesResult(String id, double[] sums, String skipped) implements Serializable {
    }

    private final Forecaster forecaster;
    private final int origins;
    private final int season;

    public Backtest(Forecaster forecaster, int origins, int season) {
        this.forecaster = forecaster;
        this.origins = origins;
        this.season = season;
    }

    /** Evaluates every series of a partition. */
    public Iterator<SeriesResult> run(Iterator<Series> it, Map<String, Forecaster.Scaler> trained) {
        int lookback = forecaster.lookback();
        int horizon = forecaster.horizon();
        List<SeriesResult> out = new ArrayList<>();
        List<Series> batch = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        List<double[]> pending = new ArrayList<>();
        while (it.hasNext()) {
            Series s = Forecaster.withTrainedScaler(it.next(), trained);
            int n = s.length();
            int first = n - origins * horizon;
            int need = Math.max(lookback, season + 1);
            if (first < need) {
                out.add(new SeriesResult(s.id, null, "too short: " + n + " points, " + origins + " origin(s) of "
                        + horizon + " need at least " + (need + origins * horizon)));
                continue;
            }
            double[] sums = new double[4 * METHODS.size() + 3];
            double scale = 0;
            for (int t = season; t < first; t++) {
                scale += Math.abs(s.values[t] - s.values[t - season]);
            }
            sums[4 * METHODS.size() + 2] = scale / (first - season);
            out.add(new SeriesResult(s.id, sums, null));
            for (int k = 0; k < origins; k++) {
                int origin = first + k * horizon;
                for (int h = 0; h < horizon; h++) {
                    double actual = s.values[origin + h];
                    add(sums, 1, actual, s.values[origin - 1]);
                    int back = season * ((h / season) + 1);
                    add(sums, 2, actual, s.values[origin + h - back]);
                    sums[4 * METHODS.size()]++;
                    if (actual != 0) {
                        sums[4 * METHODS.size() + 1]++;
                    }
                }
                batch.add(s);
                ends.add(origin);
                pending.add(sums);
                if (batch.size() == Forecaster.BATCH) {
                    flush(batch, ends, pending);
                }
            }
        }
        if (!batch.isEmpty()) {
            flush(batch, ends, pending);
        }
        return out.iterator();
    }

    /**
     * Actual values and forecasts of one series for a chart: the grid {@code step} in words, {@code ticks[i]} grid
     * positions from up to two lookbacks before the first origin to the end, {@code actual[i]}, and the model's and
     * seasonal naive's forecasts ({@code NaN} before the first origin).
     */
    public record Curve(String id, String step, long[] ticks, double[] actual, double[] model,
                        double[] seasonalNaive) implements Serializable {
    }

    /** The curve of one series (which must be long enough, see {@link #run}). */
    public Curve curve(Series raw, Map<String, Forecaster.Scaler> trained) {
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
        double[] y = new double[horizon];
        for (int k = 0; k < origins; k++) {
            int origin = first + k * horizon;
            forecaster.predict(List.of(s), new int[] {origin}, y);
            for (int h = 0; h < horizon; h++) {
                model[origin + h - from] = y[h];
                seasonal[origin + h - from] = s.values[origin + h - season * ((h / season) + 1)];
            }
        }
        return new Curve(s.id, s.grid.describeStep(), ticks, actual, model, seasonal);
    }

    private void flush(List<Series> batch, List<Integer> ends, List<double[]> pending) {
        int horizon = forecaster.horizon();
        double[] y = new double[batch.size() * horizon];
        forecaster.predict(batch, ends.stream().mapToInt(Integer::intValue).toArray(), y);
        for (int b = 0; b < batch.size(); b++) {
            Series s = batch.get(b);
            for (int h = 0; h < horizon; h++) {
                add(pending.get(b), 0, s.values[ends.get(b) + h], y[b * horizon + h]);
            }
        }
        batch.clear();
        ends.clear();
        pending.clear();
    }

    private static void add(double[] sums, int method, double actual, double forecast) {
        double e = Math.abs(forecast - actual);
        int o = 4 * method;
        sums[o] += e;
        sums[o + 1] += e * e;
        if (actual != 0) {
            sums[o + 2] += e / Math.abs(actual);
        }
        sums[o + 3] += smapeTerm(forecast, actual);
    }

    /** One point's sMAPE term, {@code 2 |f - a| / (|f| + |a|)}, 0 when both are 0 (validation uses it too). */
    public static double smapeTerm(double forecast, double actual) {
        double den = Math.abs(forecast) + Math.abs(actual);
        return den == 0 ? 0 : 2 * Math.abs(forecast - actual) / den;
    }

    /**
     * Metrics from error sums: {MAE, RMSE, MAPE %, sMAPE %, MASE}. MAPE averages over non-zero actuals only
     * (zeros are counted, not divided by); sMAPE = 200 |f - a| / (|f| + |a|) %, 0 when both are 0; MASE = MAE
     * divided by the in-sample MAE of seasonal naive on the history before the first origin (NaN when that is 0).
     */
    public static double[] metrics(double[] sums, int method) {
        int o = 4 * method;
        double points = sums[4 * METHODS.size()];
        double nonZero = sums[4 * METHODS.size() + 1];
        double scale = sums[4 * METHODS.size() + 2];
        double mae = sums[o] / points;
        return new double[] {mae, Math.sqrt(sums[o + 1] / points), nonZero > 0 ? 100 * sums[o + 2] / nonZero
                : Double.NaN, 100 * sums[o + 3] / points, scale > 0 ? mae / scale : Double.NaN};
    }

    /** The season length of a grid frequency: 24 hourly, 7 daily, 52 weekly, 12 monthly, 4 quarterly, else 1. */
    public static int season(String frequency) {
        return switch (frequency) {
            case "PT1H" -> 24;
            case "P1D", "PT24H" -> 7;
            case "P7D", "PT168H" -> 52;
            case "P1M" -> 12;
            case "P3M" -> 4;
            default -> 1;
        };
    }
}
