package org.sparkgru.config;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparkgru.UserError;

/**
 * Split conformal prediction intervals around point forecasts, per series and per horizon step: the split
 * conformal method (Vovk, Gammerman and Shafer 2005; Lei et al. 2018) applied to each step of a multi-step forecast
 * as in Stankeviciute, Alaa and van der Schaar 2021, with rolling origins on the series' own history as the
 * calibration set.
 *
 * <p>For a forecast of horizon {@code H} from origin {@code o} (the first forecast index) the calibration origins
 * are {@code c = o - H - j} for {@code j = 0 .. K-1}, so that every step of every calibration forecast lies before
 * {@code o}; the same forecaster (the model, or the baseline that forecasts the series) forecasts from each, and
 * the absolute errors {@code e_j = |a_{c+h} - f_{c,h}|} of step {@code h} give, for nominal coverage {@code 1 - α},
 * the radius {@code r_h}: the {@code ⌈(K + 1)(1 - α)⌉}-th smallest {@code e_j}. The interval {@code f_{o,h} ± r_h}
 * then covers with probability at least {@code 1 - α} when the errors are exchangeable (for a time series, an
 * approximation that holds best on stationary errors). Nothing is stored with the model: the intervals are
 * recomputed from the history each job reads.
 *
 * @param levels             nominal coverages, increasing, in (0, 1)
 * @param calibrationOrigins {@code K}, at least as many as the highest level needs
 */
public record ConformalIntervals(double[] levels, int calibrationOrigins) implements Serializable {
    /** The default {@code K}: enough for 95 % intervals (which need 19), and a radius that moves little with one error. */
    public static final int DEFAULT_ORIGINS = 50;

    public ConformalIntervals {
        levels = levels.clone();
        for (double l : levels) {
            if (rank(l, calibrationOrigins) > calibrationOrigins) {
                throw new IllegalArgumentException("level " + l + " with " + calibrationOrigins + " origins");
            }
        }
    }

    /**
     * The intervals of {@code --level 80,95 --calibration-origins K}: coverages in percent; a user error naming the
     * option when a level is not a percentage strictly between 0 and 100, a level is listed twice, or {@code K}
     * origins cannot give the highest level a finite radius.
     */
    public static ConformalIntervals parse(String levels, int origins) {
        return parse(levels, origins, "--level", "--calibration-origins");
    }

    /** As {@link #parse(String, int)}, the messages naming {@code levelKey} and {@code originsKey}. */
    public static ConformalIntervals parse(String levels, int origins, String levelKey, String originsKey) {
        List<Double> list = new ArrayList<>();
        for (String part : levels.split(",")) {
            double p;
            try {
                p = Double.parseDouble(part.strip());
            } catch (NumberFormatException e) {
                throw new UserError(levelKey + " '" + part.strip() + "' is not a number; give coverages in percent,"
                        + " e.g. " + levelKey + " 80,95");
            }
            if (!(p > 0 && p < 100)) {
                throw new UserError(levelKey + " " + part.strip() + " is not a coverage strictly between 0 and 100 %;"
                        + " e.g. " + levelKey + " 80,95");
            }
            if (list.contains(p / 100)) {
                throw new UserError(levelKey + " " + levels + " lists " + part.strip() + " twice");
            }
            list.add(p / 100);
        }
        double[] l = list.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (origins < 1) {
            throw new UserError(originsKey + " " + origins + " must be at least 1");
        }
        double top = l[l.length - 1];
        if (rank(top, origins) > origins) {
            int need = origins;
            while (rank(top, need) > need) {
                need++;
            }
            throw new UserError(levelKey + " " + label(top) + " needs at least " + need + " calibration origins for a"
                    + " finite interval (the ⌈(K + 1) x " + top + "⌉-th smallest of K errors), and"
                    + " " + originsKey + " is " + origins + "; pass " + originsKey + " " + need + " or more");
        }
        return new ConformalIntervals(l, origins);
    }

    @Override
    public double[] levels() {
        return levels.clone();
    }

    /** The 1-based rank {@code ⌈(K + 1) level⌉} of the radius among {@code K} sorted errors. */
    static int rank(double level, int k) {
        return (int) Math.ceil((k + 1) * level - 1e-9);
    }

    /** The earliest calibration origin of a forecast from {@code origin}: {@code origin - H - K + 1}. */
    public int firstCalibrationOrigin(int origin, int horizon) {
        return origin - horizon - calibrationOrigins + 1;
    }

    /**
     * The radii {@code [l * horizon + h]} of every level and step for a forecast from {@code origin}, from the point
     * forecasts {@code forecasts[(c - from) * horizon + h]} of origins {@code c} from {@code from} (at most
     * {@link #firstCalibrationOrigin}) and the series' {@code values}.
     */
    public double[] radii(float[] values, double[] forecasts, int from, int origin, int horizon) {
        int k = calibrationOrigins;
        int c0 = firstCalibrationOrigin(origin, horizon);
        if (c0 < from) {
            throw new IllegalArgumentException("calibration origin " + c0 + " before the forecasts' " + from);
        }
        double[] out = new double[levels.length * horizon];
        double[] step = new double[k];
        for (int h = 0; h < horizon; h++) {
            for (int j = 0; j < k; j++) {
                int c = c0 + j;
                step[j] = Math.abs(values[c + h] - forecasts[(c - from) * horizon + h]);
            }
            Arrays.sort(step);
            for (int l = 0; l < levels.length; l++) {
                out[l * horizon + h] = step[rank(levels[l], k) - 1];
            }
        }
        return out;
    }

    /**
     * The quantile levels the intervals' ends and the point forecast stand for, increasing: {@code (1 - L) / 2}
     * and {@code (1 + L) / 2} of every level {@code L}, and 0.5; for scoring them as quantiles
     * ({@link org.sparkgru.metrics.QuantileSums}).
     */
    public double[] quantileLevels() {
        int n = levels.length;
        double[] q = new double[2 * n + 1];
        for (int l = 0; l < n; l++) {
            // in decimal, so that 95 % gives 0.025 and 0.975 as written, not their binary neighbours
            BigDecimal level = new BigDecimal(Double.toString(levels[l]));
            BigDecimal two = BigDecimal.valueOf(2);
            q[n - 1 - l] = BigDecimal.ONE.subtract(level).divide(two).doubleValue();
            q[n + 1 + l] = BigDecimal.ONE.add(level).divide(two).doubleValue();
        }
        q[n] = 0.5;
        return q;
    }

    /**
     * Writes the interval ends of step {@code h} around {@code point} as quantiles in {@link #quantileLevels}
     * order into {@code out[offset ...]}, from {@code radii} as {@link #radii} gives them; the lower ends clamped at
     * 0 with {@code nonNegative}.
     */
    public void asQuantiles(double point, double[] radii, int horizon, int h, boolean nonNegative, double[] out,
                            int offset) {
        int n = levels.length;
        for (int l = 0; l < n; l++) {
            double lower = point - radii[l * horizon + h];
            out[offset + n - 1 - l] = nonNegative ? Math.max(0, lower) : lower;
            out[offset + n + 1 + l] = point + radii[l * horizon + h];
        }
        out[offset + n] = point;
    }

    /** The forecast columns: {@code lower_80, upper_80, lower_95, upper_95}. */
    public List<String> columns() {
        List<String> c = new ArrayList<>();
        for (double l : levels) {
            c.add("lower_" + label(l).replace('.', '_'));
            c.add("upper_" + label(l).replace('.', '_'));
        }
        return c;
    }

    /** A level in percent as written: {@code 80}, {@code 97.5}. */
    public static String label(double level) {
        return new BigDecimal(Double.toString(level)).movePointRight(2).stripTrailingZeros().toPlainString();
    }
}
