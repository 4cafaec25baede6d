package org.sparkgru.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgru.config.Baseline;
import org.sparkgru.config.Scaling;
import org.sparkgru.config.TargetTransform;
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
        return layout(TargetTransform.NONE, scaling, baseline, new double[0]);
    }

    private static WindowLayout layout(TargetTransform transform, Scaling scaling, Baseline baseline,
                                       double[] quantiles) {
        return new WindowLayout(new WindowShape(LOOKBACK, HORIZON), 0, 0, StaticCovariates.NONE, 0, NO_CALENDAR, transform, scaling, baseline,
                SEASON, false, quantiles);
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
        assertThrows(IllegalArgumentException.class, () -> new WindowLayout(new WindowShape(2, HORIZON), 0, 0, StaticCovariates.NONE, 0,
                NO_CALENDAR, TargetTransform.NONE, Scaling.REVIN, Baseline.SEASONAL_MEAN, SEASON, false, new double[0]), "a season longer than the window");
    }

    /**
     * For every transform, scaling and baseline: a head whose outputs are the window's training targets forecasts
     * the actual values (relative error 1e-6, float rounding of the scaling; 1e-5 through log1p, whose float value
     * of a level near 600 carries 4e-7), and a head whose outputs are 0 forecasts the baseline (exactly without a
     * transform; to 1e-12 through log1p and back in double).
     */
    @Test
    void transformNormalizationAndBaselineAreUndoneOnTheOutputs() {
        Series s = series();
        int offset = s.length() - LOOKBACK - HORIZON; // the window whose targets are the level-shifted tail
        for (TargetTransform transform : TargetTransform.values()) {
            for (Scaling scaling : List.of(Scaling.REVIN, Scaling.WINDOW, Scaling.SERIES, Scaling.NONE)) {
                for (Baseline baseline : Baseline.RESOLVED) {
                    WindowLayout l = layout(transform, scaling, baseline, new double[0]);
                    float[] ms = l.scaler(s, offset, new float[2]);
                    float[] x = new float[LOOKBACK];
                    float[] y = new float[HORIZON];
                    l.fill(s, offset, 0, 1, x, new float[0], new int[0], y, ms);
                    double[] fromTargets = forecast(l, s, y, 1);
                    double[] fromZero = forecast(l, s, new float[HORIZON], 1);
                    boolean exact = transform == TargetTransform.NONE;
                    for (int h = 0; h < HORIZON; h++) {
                        float actual = s.values[offset + LOOKBACK + h];
                        String what = transform.id() + ", " + scaling.id() + ", " + baseline.id() + ", step " + h;
                        assertEquals(actual, fromTargets[h], (exact ? 1e-6 : 1e-5) * Math.abs(actual), what);
                        double expected = baseline == Baseline.NONE ? transform.invert(ms[0])
                                : baseline.value(s.values, offset, LOOKBACK, SEASON, h);
                        assertEquals(expected, fromZero[h], exact ? 0.0 : 1e-12 * Math.abs(expected),
                                what + ": zero output is the baseline");
                    }
                }
            }
        }
    }

    /**
     * Quantile outputs: every quantile of a step is trained on the step's target, and forecasts of a step come out
     * sorted whatever order the head gives them, with the median as the point forecast; log1p is undone on each.
     */
    @Test
    void quantilesShareTheirStepsTargetAndComeOutSorted() {
        Series s = series();
        int offset = s.length() - LOOKBACK - HORIZON;
        double[] levels = {0.1, 0.5, 0.9};
        WindowLayout l = layout(TargetTransform.LOG1P, Scaling.REVIN, Baseline.NAIVE, levels);
        assertEquals(3, l.outputsPerStep());
        float[] ms = l.scaler(s, offset, new float[2]);
        float[] y = new float[HORIZON * 3];
        l.fill(s, offset, 0, 1, new float[LOOKBACK], new float[0], new int[0], y, ms);
        for (int h = 0; h < HORIZON; h++) {
            assertEquals(y[h * 3], y[h * 3 + 1], 0f);
            assertEquals(y[h * 3], y[h * 3 + 2], 0f);
        }
        float[] crossed = new float[HORIZON * 3];
        for (int h = 0; h < HORIZON; h++) { // the head gives q90, q10, q50 in the wrong order
            crossed[h * 3] = 0.5f;
            crossed[h * 3 + 1] = -0.5f;
            crossed[h * 3 + 2] = 0f;
        }
        double[] point = new double[HORIZON];
        double[] q = new double[HORIZON * 3];
        forecast(l, s, crossed, 3, point, q);
        double last = s.values[s.length() - HORIZON - 1];
        for (int h = 0; h < HORIZON; h++) {
            assertEquals(last, point[h], 1e-9 * last, "the median output 0 forecasts the naive baseline");
            assertEquals(point[h], q[h * 3 + 1], 0.0);
            assertTrue(q[h * 3] < q[h * 3 + 1] && q[h * 3 + 1] < q[h * 3 + 2], "sorted: " + q[h * 3] + " "
                    + q[h * 3 + 1] + " " + q[h * 3 + 2]);
            double logLast = Math.log1p(last);
            assertEquals(Math.expm1(logLast - 0.5 * ms[1]), q[h * 3], 1e-9 * last, "log1p undone on each quantile");
        }
    }

    /**
     * Forecasts the last {@code HORIZON} points of {@code s} through a network whose head is zero but for its bias,
     * set to {@code outputs}: the head then outputs {@code outputs} whatever the window.
     */
    private static double[] forecast(WindowLayout l, Series s, float[] outputs, int perStep) {
        double[] out = new double[HORIZON];
        forecast(l, s, outputs, perStep, out, null);
        return out;
    }

    private static void forecast(WindowLayout l, Series s, float[] outputs, int perStep, double[] out,
                                 double[] quantiles) {
        NetworkSpec spec = NetworkSpec.regression(l.inputWidth(), 4, 1, Variant.RESET_BEFORE, HORIZON, perStep);
        ParameterLayout p = new ParameterLayout(spec);
        float[] params = new float[p.size()];
        System.arraycopy(outputs, 0, params, p.headB(), HORIZON * perStep);
        Bptt k = Bptt.forwardOnly(spec, KernelBackend.javaBlas(), 1, LOOKBACK);
        l.forecast(k, params, List.of(s), new int[] {s.length() - HORIZON}, out, quantiles);
    }
}
