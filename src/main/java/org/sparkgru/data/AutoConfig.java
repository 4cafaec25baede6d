package org.sparkgru.data;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgru.config.Baseline;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.metrics.ErrorSums;

/**
 * Makes the choices a configuration leaves to the data ({@code auto}), once, from the assembled series before
 * training; the model stores the result ({@link TrainConfig#resolved}).
 *
 * <ul>
 *   <li>{@code model.season}: the most common season of the series' frequencies ({@link TimeGrid#season()}; the
 *       smallest on a tie).</li>
 *   <li>{@code model.lookback}: {@code max(2 horizon, 3 season)}, so the window holds a few seasons and twice the
 *       forecast, at most {@code (median length - 2 horizon) / 2}, so that the median series still gives windows
 *       over half of its training part; at least {@code season} when that leaves room, and at least 1.</li>
 *   <li>{@code model.baseline}: naive or seasonal naive, whichever has the lower mean scaled error over every
 *       forecast origin of the training parts (each series' error divided by its MASE scale, as the metric does);
 *       naive when the season is 1 or longer than the lookback.</li>
 * </ul>
 */
public final class AutoConfig {
    private static final Logger LOG = LoggerFactory.getLogger(AutoConfig.class);

    private AutoConfig() {
    }

    /** {@code cfg} with its auto choices made from {@code series} (cached, non-empty); {@code cfg} when none. */
    public static TrainConfig resolve(TrainConfig cfg, JavaRDD<Series> series) {
        TrainConfig.Model m = cfg.model();
        if (m.isResolved()) {
            return cfg;
        }
        int horizon = m.horizon();
        List<int[]> stats = series.map(s -> new int[] {s.grid.season(), s.length()}).collect();
        int season = m.season() != TrainConfig.AUTO ? m.season() : mostCommonSeason(stats);
        int[] lengths = stats.stream().mapToInt(a -> a[1]).sorted().toArray();
        int lookback = m.lookback() != TrainConfig.AUTO ? m.lookback()
                : lookback(horizon, season, lengths[lengths.length / 2]);
        Baseline baseline = m.baseline();
        if (baseline == Baseline.AUTO) {
            baseline = season <= 1 || season > lookback ? Baseline.NAIVE : chooseBaseline(series, horizon, season);
        }
        LOG.info("chosen from the data: model.lookback = {}, model.season = {}, model.baseline = {}{}", lookback,
                season, baseline.id(), m.lookback() == TrainConfig.AUTO ? " (lookback from horizon " + horizon
                        + ", season " + season + " and the median series length " + lengths[lengths.length / 2] + ")"
                        : "");
        return cfg.resolved(lookback, season, baseline);
    }

    /** The automatic lookback of a {@code horizon} and {@code season} for series of {@code medianLength} points. */
    static int lookback(int horizon, int season, int medianLength) {
        int want = Math.max(2 * horizon, 3 * season);
        int room = Math.max(1, (medianLength - 2 * horizon) / 2);
        int lookback = Math.min(want, room);
        if (lookback < season && season <= medianLength - 2 * horizon - 1) {
            lookback = season;
        }
        return Math.max(1, lookback);
    }

    private static int mostCommonSeason(List<int[]> stats) {
        int[] seasons = stats.stream().mapToInt(a -> a[0]).sorted().toArray();
        int best = seasons[0];
        int bestCount = 0;
        for (int i = 0; i < seasons.length; ) {
            int j = i;
            while (j < seasons.length && seasons[j] == seasons[i]) {
                j++;
            }
            if (j - i > bestCount) {
                best = seasons[i];
                bestCount = j - i;
            }
            i = j;
        }
        return best;
    }

    /** Naive or seasonal naive, by their mean scaled error on the training parts ({@link #errors}). */
    private static Baseline chooseBaseline(JavaRDD<Series> series, int horizon, int season) {
        double[] sum = series.map(s -> errors(s, horizon, season)).reduce((a, b) -> {
            double[] c = a.clone();
            for (int i = 0; i < c.length; i++) {
                c[i] += b[i];
            }
            return c;
        });
        if (sum[2] == 0) {
            return Baseline.NAIVE;
        }
        LOG.info("baselines on the training parts: naive scaled error {}, seasonal naive (season {}) {}",
                String.format("%.4f", sum[0] / sum[2]), season, String.format("%.4f", sum[1] / sum[2]));
        return sum[1] < sum[0] ? Baseline.SEASONAL_NAIVE : Baseline.NAIVE;
    }

    /**
     * One series' {naive, seasonal naive, 1} mean absolute errors over every origin of its training part and the
     * {@code horizon} steps after it, divided by the series' MASE scale; zeros when the series has no origin or no
     * positive scale.
     */
    static double[] errors(Series s, int horizon, int season) {
        int train = s.length() - s.validationPoints;
        double scale = ErrorSums.maseScale(s.values, train, season);
        if (!(scale > 0) || train - horizon <= season) {
            return new double[3];
        }
        double naive = 0;
        double seasonal = 0;
        long points = 0;
        float[] v = s.values;
        for (int origin = season; origin + horizon <= train; origin++) {
            for (int h = 0; h < horizon; h++) {
                double actual = v[origin + h];
                naive += Math.abs(actual - v[origin - 1]);
                seasonal += Math.abs(actual - v[origin + h - season * (h / season + 1)]);
            }
            points += horizon;
        }
        return new double[] {naive / points / scale, seasonal / points / scale, 1};
    }
}
