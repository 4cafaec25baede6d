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
 *   <li>{@code model.lookback}: {@code max(4 horizon, 3 season)}, so the window holds a few seasons and four times
 *       the forecast, at most {@code (median length - 2 horizon) / 2}, so that the median series still gives windows
 *       over half of its training part; at least {@code season} when that leaves room, and at least 1.</li>
 *   <li>{@code model.baseline}: naive, seasonal naive or seasonal mean, whichever has the lowest mean scaled error
 *       over every forecast origin of the training parts (each series' error divided by its MASE scale, as the
 *       metric does); naive when the season is 1 or longer than the lookback; none with known-future covariates
 *       ({@code data.futureFeatures}): a baseline repeats the past targets and with them the past effects of those
 *       covariates (last week's promotion), which the network would have to undo (measured on
 *       FutureCovariatesTest's promotions: backtest MAE 1.67 with seasonal mean, 0.52 without a baseline).</li>
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
            // a baseline repeats the past targets, and with them the past effects of known-future covariates
            // (last week's promotion), which the network would then have to undo
            baseline = !cfg.data().futureFeatures().isEmpty() ? Baseline.NONE
                    : season <= 1 || season > lookback ? Baseline.NAIVE
                    : chooseBaseline(series, horizon, season, lookback);
        }
        LOG.info("chosen from the data: model.lookback = {}, model.season = {}, model.baseline = {}{}", lookback,
                season, baseline.id(), m.lookback() == TrainConfig.AUTO ? " (lookback from horizon " + horizon
                        + ", season " + season + " and the median series length " + lengths[lengths.length / 2] + ")"
                        : "");
        return cfg.resolved(lookback, season, baseline);
    }

    /** The automatic lookback of a {@code horizon} and {@code season} for series of {@code medianLength} points. */
    static int lookback(int horizon, int season, int medianLength) {
        int want = Math.max(4 * horizon, 3 * season);
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

    /** The baselines {@code auto} chooses from, in the order of {@link #errors}. */
    private static final Baseline[] CANDIDATES = {Baseline.NAIVE, Baseline.SEASONAL_NAIVE, Baseline.SEASONAL_MEAN};

    /** The candidate with the lowest mean scaled error on the training parts ({@link #errors}); naive on a tie. */
    private static Baseline chooseBaseline(JavaRDD<Series> series, int horizon, int season, int lookback) {
        double[] sum = series.map(s -> errors(s, horizon, season, lookback)).reduce((a, b) -> {
            double[] c = a.clone();
            for (int i = 0; i < c.length; i++) {
                c[i] += b[i];
            }
            return c;
        });
        int n = CANDIDATES.length;
        if (sum[n] == 0) {
            return Baseline.NAIVE;
        }
        int best = 0;
        StringBuilder said = new StringBuilder();
        for (int i = 0; i < n; i++) {
            said.append(i == 0 ? "" : ", ").append(CANDIDATES[i].id()).append(' ')
                    .append(String.format("%.4f", sum[i] / sum[n]));
            if (sum[i] < sum[best]) {
                best = i;
            }
        }
        LOG.info("baselines' mean scaled error on the training parts (season {}, lookback {}): {}", season, lookback,
                said);
        return CANDIDATES[best];
    }

    /**
     * One series' mean absolute errors of the {@link #CANDIDATES} over every origin of its training part with a
     * full window of {@code lookback} points before it and the {@code horizon} steps after it, each divided by the
     * series' MASE scale, then a count of 1; zeros when the series has no such origin or no positive scale.
     */
    static double[] errors(Series s, int horizon, int season, int lookback) {
        int n = CANDIDATES.length;
        int train = s.length() - s.validationPoints;
        double scale = ErrorSums.maseScale(s.values, train, season);
        double[] out = new double[n + 1];
        if (!(scale > 0) || train - horizon < lookback) {
            return out;
        }
        long points = 0;
        float[] v = s.values;
        for (int origin = lookback; origin + horizon <= train; origin++) {
            for (int h = 0; h < horizon; h++) {
                double actual = v[origin + h];
                for (int c = 0; c < n; c++) {
                    out[c] += Math.abs(actual - CANDIDATES[c].value(v, origin - lookback, lookback, season, h));
                }
            }
            points += horizon;
        }
        for (int c = 0; c < n; c++) {
            out[c] /= points * scale;
        }
        out[n] = 1;
        return out;
    }
}
