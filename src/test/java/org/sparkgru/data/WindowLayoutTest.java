package org.sparkgru.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgru.config.Baseline;
import org.sparkgru.config.Scaling;
import org.sparkgru.kernel.Bptt;
import org.sparkgru.kernel.KernelBackend;
import org.sparkgru.model.NetworkSpec;
import org.sparkgru.model.ParameterLayout;
import org.sparkgru.model.Variant;

/**
 * The featurization boundary: per-window normalization and the baseline are undone exactly on the outputs, so a
 * network whose head outputs its training targets forecasts the actual values, and one whose head outputs zero
 * forecasts the baseline.
 */
class WindowLayoutTest {
    private static final int LOOKBACK = 8;
    private static final int HORIZON = 5;
    private static final int SEASON = 3;
    private static final CalendarFeatures NO_CALENDAR = new CalendarFeatures(List.of());

    /** A trending, level-shifted series: 20 points, the last 5 far above anything before them. */
    private static Series series() {
        float[] v = new float[20];
        for (int t = 0; t < v.length; t++) {
            v[t] = 100 + 3 * t + (t % SEASON) * 7 + (t >= 15 ? 500 : 0);
        }
        return new Series("s", 0, TimeGrid.fixed(TimeKind.INDEX, 0, 1), v, new float[0], 0, Scaler.identity(0),
                HORIZON, 1, new Series.Quality(0, 0, 0, 0));
    }

    private static WindowLayout layout(Scaling scaling, Baseline baseline) {
        return new WindowLayout(new WindowShape(LOOKBACK, HORIZON), 0, NO_CALENDAR, scaling, baseline, SEASON, false, new double[0]);
    }

    @Test
    void revinScalesByTheWindowsMeanAndDeviation() {
        Series s = series();
        float[] ms = layout(Scaling.REVIN, Baseline.NONE).scaler(s, 2, new float[2]);
        double mean = 0;
        for (int t = 2; t < 2 + LOOKBACK; t++) {
            mean += s.values[t] / (double) LOOKBACK;
        }
        double ss = 0;
        for (int t = 2; t < 2 + LOOKBACK; t++) {
            ss += (s.values[t] - mean) * (s.values[t] - mean);
        }
        assertEquals(mean, ms[0], 1e-4);
        assertEquals(Math.sqrt(ss / LOOKBACK), ms[1], 1e-4);
    }

    @Test
    void aConstantWindowIsScaledByItsLevel() {
        float[] v = {0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4, 1, 2, 3, 4, 5};
        Series s = new Series("c", 0, TimeGrid.fixed(TimeKind.INDEX, 0, 1), v, new float[0], 0, Scaler.identity(0),
                HORIZON, 1, new Series.Quality(0, 0, 0, 0));
        WindowLayout l = layout(Scaling.REVIN, Baseline.NONE);
        assertArrayEquals(new float[] {0f, 1f}, l.scaler(s, 0, new float[2]), "all zeros: scale 1");
        assertArrayEquals(new float[] {4f, 4f}, l.scaler(s, 8, new float[2]), "all fours: scale 4");
    }

    @Test
    void baselinesAreTheLastValueTheLastSeasonAndTheSeasonalMean() {
        float[] v = {1, 2, 3, 10, 20, 30, 100, 200};
        assertEquals(200, Baseline.NAIVE.value(v, 0, LOOKBACK, SEASON, 4), 0.0);
        double[] seasonal = new double[HORIZON];
        double[] mean = new double[HORIZON];
        for (int h = 0; h < HORIZON; h++) {
            seasonal[h] = Baseline.SEASONAL_NAIVE.value(v, 0, LOOKBACK, SEASON, h);
            mean[h] = Baseline.SEASONAL_MEAN.value(v, 0, LOOKBACK, SEASON, h);
        }
        // steps 0, 1, 2 repeat the window's last season (30, 100, 200), steps 3, 4 repeat it again
        assertArrayEquals(new double[] {30, 100, 200, 30, 100}, seasonal);
        // the same phases averaged over the window: (30 + 3) / 2, (100 + 10 + 1) / 3, (200 + 20 + 2) / 3
        assertArrayEquals(new double[] {16.5, 37, 74, 16.5, 37}, mean, 1e-12);
        assertTrue(Double.isNaN(Baseline.NONE.value(v, 0, LOOKBACK, SEASON, 0)));
        assertThrows(IllegalArgumentException.class, () -> new WindowLayout(new WindowShape(2, HORIZON), 0,
                NO_CALENDAR, Scaling.REVIN, Baseline.SEASONAL_MEAN, SEASON, false, new double[0]), "a season longer than the window");
    }

    /**
     * For every scaling and baseline: a head whose outputs are the window's training targets forecasts the actual
     * values (relative error 1e-6, float rounding of the scaling), and a head whose outputs are 0 forecasts the
     * baseline exactly.
     */
    @Test
    void normalizationAndBaselineAreUndoneOnTheOutputs() {
        Series s = series();
        int offset = s.length() - LOOKBACK - HORIZON; // the window whose targets are the level-shifted tail
        for (Scaling scaling : List.of(Scaling.REVIN, Scaling.WINDOW, Scaling.SERIES, Scaling.NONE)) {
            for (Baseline baseline : Baseline.RESOLVED) {
                WindowLayout l = layout(scaling, baseline);
                float[] ms = l.scaler(s, offset, new float[2]);
                float[] x = new float[LOOKBACK];
                float[] y = new float[HORIZON];
                l.fill(s, offset, 0, 1, x, y, ms);
                double[] fromTargets = forecast(l, s, y);
                double[] fromZero = forecast(l, s, new float[HORIZON]);
                for (int h = 0; h < HORIZON; h++) {
                    float actual = s.values[offset + LOOKBACK + h];
                    String what = scaling.id() + ", " + baseline.id() + ", step " + h;
                    assertEquals(actual, fromTargets[h], 1e-6 * Math.abs(actual), what);
                    double expected = baseline == Baseline.NONE ? ms[0]
                            : baseline.value(s.values, offset, LOOKBACK, SEASON, h);
                    assertEquals(expected, fromZero[h], 0.0, what + ": zero output is the baseline");
                }
            }
        }
    }

    /**
     * Forecasts the last {@code HORIZON} points of {@code s} through a network whose head is zero but for its bias,
     * set to {@code outputs}: the head then outputs {@code outputs} whatever the window.
     */
    private static double[] forecast(WindowLayout l, Series s, float[] outputs) {
        NetworkSpec spec = NetworkSpec.regression(l.inputWidth(), 4, 1, Variant.RESET_BEFORE, HORIZON, 1);
        ParameterLayout p = new ParameterLayout(spec);
        float[] params = new float[p.size()];
        System.arraycopy(outputs, 0, params, p.headB(), HORIZON);
        Bptt k = Bptt.forwardOnly(spec, KernelBackend.javaBlas(), 1, LOOKBACK);
        double[] out = new double[HORIZON];
        l.forecast(k, params, List.of(s), new int[] {s.length() - HORIZON}, out);
        return out;
    }
}
