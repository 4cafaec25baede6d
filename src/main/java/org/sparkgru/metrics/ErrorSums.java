package org.sparkgru.metrics;

import java.io.Serializable;

/**
 * The one error-sum type, shared by validation during training and the backtest: sums over forecast points that
 * merge exactly across series and partitions, and the metrics computed from them, each defined once here.
 *
 * <ul>
 *   <li>MAE = Σ|f - a| / points; RMSE = sqrt(Σ(f - a)² / points);</li>
 *   <li>MAPE = 100 Σ|f - a| / |a| over the non-zero actuals only (zeros are counted, not divided by);</li>
 *   <li>sMAPE = 100 Σ 2|f - a| / (|f| + |a|) / points, a term being 0 when forecast and actual are both 0;</li>
 *   <li>MASE: a series' MAE divided by its {@link #maseScale}, the in-sample mean absolute error of seasonal naive
 *       (the value one season earlier) on the history before the forecasts; overall, the mean of the series' MASE
 *       over the series whose scale is positive (Hyndman and Koehler 2006; the M4 competition's definition).</li>
 * </ul>
 * Call {@link #add} for each point of a series, then {@link #addMase} once with that series' MAE and scale.
 */
public final class ErrorSums implements Serializable {
    private static final long serialVersionUID = 1L;

    private double absError;
    private double squaredError;
    private double absPercentError;
    private double smapeTerms;
    private long points;
    private long nonZeroActuals;
    private double maseSum;
    private long maseSeries;

    /** Adds one forecast point. */
    public void add(double forecast, double actual) {
        double e = Math.abs(forecast - actual);
        absError += e;
        squaredError += e * e;
        if (actual != 0) {
            absPercentError += e / Math.abs(actual);
            nonZeroActuals++;
        }
        smapeTerms += smapeTerm(forecast, actual);
        points++;
    }

    /**
     * Adds one series' MASE term: its MAE over {@code scale}, counted only when the scale is positive and the MAE
     * finite (a series without points has none), so that one such series does not make the mean NaN.
     */
    public void addMase(double seriesMae, double scale) {
        if (scale > 0 && Double.isFinite(seriesMae)) {
            maseSum += seriesMae / scale;
            maseSeries++;
        }
    }

    /** Adds {@code o} into this (also the series' MASE terms it holds) and returns this. */
    public ErrorSums merge(ErrorSums o) {
        absError += o.absError;
        squaredError += o.squaredError;
        absPercentError += o.absPercentError;
        smapeTerms += o.smapeTerms;
        points += o.points;
        nonZeroActuals += o.nonZeroActuals;
        maseSum += o.maseSum;
        maseSeries += o.maseSeries;
        return this;
    }

    /** One point's sMAPE term, {@code 2 |f - a| / (|f| + |a|)}, 0 when both are 0. */
    public static double smapeTerm(double forecast, double actual) {
        double den = Math.abs(forecast) + Math.abs(actual);
        return den == 0 ? 0 : 2 * Math.abs(forecast - actual) / den;
    }

    /**
     * MASE's scale: the mean of {@code |v[t] - v[t - season]|} over {@code t} in {@code [season, end)}, the
     * in-sample error of seasonal naive on the first {@code end} values; 0 when there is no such pair.
     */
    public static double maseScale(float[] values, int end, int season) {
        if (end <= season) {
            return 0;
        }
        double sum = 0;
        for (int t = season; t < end; t++) {
            sum += Math.abs(values[t] - values[t - season]);
        }
        return sum / (end - season);
    }

    public long points() {
        return points;
    }

    /** Points whose actual value is 0 (left out of MAPE). */
    public long zeroActuals() {
        return points - nonZeroActuals;
    }

    public double mae() {
        return absError / points;
    }

    public double rmse() {
        return Math.sqrt(squaredError / points);
    }

    /** MAPE in percent, NaN when every actual is 0. */
    public double mape() {
        return nonZeroActuals > 0 ? 100 * absPercentError / nonZeroActuals : Double.NaN;
    }

    /** sMAPE in percent. */
    public double smape() {
        return 100 * smapeTerms / points;
    }

    /** The mean of the series' MASE, NaN when no series had a positive scale. */
    public double mase() {
        return maseSeries > 0 ? maseSum / maseSeries : Double.NaN;
    }

    /** {MAE, RMSE, MAPE %, sMAPE %, MASE}, in the order of {@link #NAMES}. */
    public double[] metrics() {
        return new double[] {mae(), rmse(), mape(), smape(), mase()};
    }

    /** The metric names of {@link #metrics()}. */
    public static final String[] NAMES = {"MAE", "RMSE", "MAPE", "sMAPE", "MASE"};
}
