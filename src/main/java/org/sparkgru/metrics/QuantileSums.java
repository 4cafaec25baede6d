package org.sparkgru.metrics;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The error sums of quantile forecasts, beside {@link ErrorSums} for the point: sums over forecast points that merge
 * exactly across series and partitions, and the metrics computed from them, each defined once here. For levels
 * τ_1 < ... < τ_Q, a point's forecasts {@code f_τ} and actual {@code a}, and the pinball loss
 * {@code ρ_τ(a, f) = τ (a - f)⁺ + (1 - τ) (f - a)⁺}:
 * <ul>
 *   <li>WQL, the weighted quantile loss (GluonTS's {@code mean_wQuantileLoss}, the WQL of Chronos, Ansari et al.
 *       2024): the mean over the levels of {@code 2 Σ ρ_τ(a, f_τ) / Σ |a|}, sums over all points of all series;</li>
 *   <li>the scaled pinball loss of each level ({@link #scaledPinball}): a series' mean {@code 2 ρ_τ} over its MASE
 *       scale ({@link ErrorSums#maseScale}), averaged over the series whose scale is positive (the scaled pinball
 *       loss of the M5 uncertainty competition, with MASE's seasonal scale); at τ = 0.5 it is the MASE;</li>
 *   <li>the coverage of each central interval {@code [f_τ, f_{1-τ}]} whose both ends are levels (τ < 0.5): the share
 *       of points inside, for a nominal {@code 1 - 2τ};</li>
 *   <li>MSIS of each central interval, the mean scaled interval score of the M4 competition (the interval score of
 *       Gneiting and Raftery 2007): a series' mean of {@code (U - L) + (2/α)(L - a)⁺ + (2/α)(a - U)⁺} with
 *       {@code α = 2τ}, over its MASE scale, averaged over the series.</li>
 * </ul>
 * Call {@link #add} for each point of one series, then {@link #endSeries} once with its scale, then {@link #merge}
 * the series together.
 */
public final class QuantileSums implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] levels;
    /** Per central interval, the indices of its lower and upper level. */
    private final int[][] intervals;
    private final double[] pinball;
    private final long[] covered;
    private final double[] intervalScore;
    private double absActual;
    private long points;
    private final double[] scaledPinball;
    private final double[] msis;
    private long scaledSeries;

    /** Empty sums for the increasing {@code levels}. */
    public QuantileSums(double[] levels) {
        this.levels = levels.clone();
        this.intervals = intervals(levels);
        int nq = levels.length;
        pinball = new double[nq];
        scaledPinball = new double[nq];
        covered = new long[intervals.length];
        intervalScore = new double[intervals.length];
        msis = new double[intervals.length];
    }

    /** The central intervals of {@code levels}: pairs {τ, 1 - τ} with τ < 0.5 (to 1e-9), widest first. */
    public static int[][] intervals(double[] levels) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < levels.length && levels[i] < 0.5; i++) {
            for (int j = levels.length - 1; j > i; j--) {
                if (Math.abs(levels[i] + levels[j] - 1) < 1e-9) {
                    out.add(new int[] {i, j});
                }
            }
        }
        return out.toArray(new int[0][]);
    }

    /** Adds one point: the forecasts {@code f[q]} at the levels, sorted, and the actual value. */
    public void add(double[] f, int offset, double actual) {
        for (int q = 0; q < levels.length; q++) {
            pinball[q] += 2 * pinball(levels[q], f[offset + q], actual);
        }
        for (int k = 0; k < intervals.length; k++) {
            double lo = f[offset + intervals[k][0]];
            double hi = f[offset + intervals[k][1]];
            if (actual >= lo && actual <= hi) {
                covered[k]++;
            }
            double alpha = 2 * levels[intervals[k][0]];
            intervalScore[k] += (hi - lo) + 2 / alpha * (Math.max(lo - actual, 0) + Math.max(actual - hi, 0));
        }
        absActual += Math.abs(actual);
        points++;
    }

    /** The pinball loss {@code ρ_τ(a, f)}. */
    public static double pinball(double tau, double forecast, double actual) {
        double d = actual - forecast;
        return d >= 0 ? tau * d : (tau - 1) * d;
    }

    /**
     * Ends the one series these sums hold: adds its scaled pinball losses and interval scores, counted only when
     * {@code scale} is positive and the series has points (as {@link ErrorSums#addMase}).
     */
    public void endSeries(double scale) {
        if (scale > 0 && points > 0) {
            for (int q = 0; q < levels.length; q++) {
                scaledPinball[q] += pinball[q] / points / scale;
            }
            for (int k = 0; k < intervals.length; k++) {
                msis[k] += intervalScore[k] / points / scale;
            }
            scaledSeries++;
        }
    }

    /** Adds {@code o} (sums of the same levels) into this and returns this. */
    public QuantileSums merge(QuantileSums o) {
        for (int q = 0; q < levels.length; q++) {
            pinball[q] += o.pinball[q];
            scaledPinball[q] += o.scaledPinball[q];
        }
        for (int k = 0; k < intervals.length; k++) {
            covered[k] += o.covered[k];
            intervalScore[k] += o.intervalScore[k];
            msis[k] += o.msis[k];
        }
        absActual += o.absActual;
        points += o.points;
        scaledSeries += o.scaledSeries;
        return this;
    }

    public long points() {
        return points;
    }

    /** WQL, NaN without points or when every actual is 0. */
    public double wql() {
        double sum = 0;
        for (double p : pinball) {
            sum += p;
        }
        return absActual > 0 ? sum / levels.length / absActual : Double.NaN;
    }

    /** The scaled pinball loss of level {@code q} (an index), NaN when no series had a positive scale. */
    public double scaledPinball(int q) {
        return scaledSeries > 0 ? scaledPinball[q] / scaledSeries : Double.NaN;
    }

    /** The number of central intervals. */
    public int intervalCount() {
        return intervals.length;
    }

    /** The nominal coverage {@code 1 - 2τ} of central interval {@code k}. */
    public double nominal(int k) {
        return 1 - 2 * levels[intervals[k][0]];
    }

    /** The share of points inside central interval {@code k}. */
    public double coverage(int k) {
        return points > 0 ? (double) covered[k] / points : Double.NaN;
    }

    /** MSIS of central interval {@code k}, NaN when no series had a positive scale. */
    public double msis(int k) {
        return scaledSeries > 0 ? msis[k] / scaledSeries : Double.NaN;
    }

    /** The column label of a level: {@code q10} for 0.1, {@code q2_5} for 0.025, {@code q50} for the median. */
    public static String label(double level) {
        return "q" + new BigDecimal(Double.toString(level)).movePointRight(2).stripTrailingZeros().toPlainString()
                .replace('.', '_');
    }

    /** The label of a central interval's nominal coverage: {@code 80} for [q10, q90], {@code 95}, {@code 97_5}. */
    public String intervalLabel(int k) {
        return new BigDecimal(Double.toString(levels[intervals[k][1]]))
                .subtract(new BigDecimal(Double.toString(levels[intervals[k][0]]))).movePointRight(2)
                .stripTrailingZeros().toPlainString().replace('.', '_');
    }
}
