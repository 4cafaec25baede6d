package org.sparkgru.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The choices {@code auto} leaves to the data, on series whose answer is known. */
class AutoConfigTest {

    @Test
    void lookbackCoversFourHorizonsOrThreeSeasonsWithinTheData() {
        assertEquals(48, AutoConfig.lookback(12, 12, 1000), "monthly: four horizons");
        assertEquals(192, AutoConfig.lookback(48, 24, 5000), "hourly: four horizons");
        assertEquals(72, AutoConfig.lookback(6, 24, 5000), "hourly, short horizon: three days");
        assertEquals(56, AutoConfig.lookback(14, 7, 180), "daily: four horizons");
        assertEquals(28, AutoConfig.lookback(12, 12, 80), "(80 - 24) / 2: the median series keeps windows");
        assertEquals(12, AutoConfig.lookback(12, 12, 40), "at least a season when one fits");
        assertEquals(1, AutoConfig.lookback(12, 12, 20), "at least 1");
    }

    private static Series series(float[] v, int horizon) {
        return new Series("s", 0, TimeGrid.fixed(TimeKind.INDEX, 0, 1), v, new float[0], 0, Scaler.identity(0),
                horizon, 1, new Series.Quality(0, 0, 0, 0));
    }

    /** Errors are {naive, seasonal naive, seasonal mean, count}. */
    @Test
    void eachBaselineWinsWhereItShould() {
        int n = 400;
        float[] seasonal = new float[n];
        float[] noisy = new float[n];
        float[] trending = new float[n];
        java.util.Random rnd = new java.util.Random(1);
        for (int t = 0; t < n; t++) {
            double profile = 10 * Math.sin(2 * Math.PI * t / 7);
            seasonal[t] = (float) (profile + 0.01 * rnd.nextGaussian());
            noisy[t] = (float) (profile + 3 * rnd.nextGaussian());
            trending[t] = (float) (5 * t + Math.sin(2 * Math.PI * t / 7));
        }
        double[] s = AutoConfig.errors(series(seasonal, 14), 14, 7, 56);
        assertTrue(s[1] < 0.2 * s[0] && s[2] < 0.2 * s[0], "the seasonal ones far better on the sine: "
                + java.util.Arrays.toString(s));
        double[] noise = AutoConfig.errors(series(noisy, 14), 14, 7, 56);
        assertTrue(noise[2] < 0.8 * noise[1], "averaging eight weeks beats last week's noisy values: "
                + java.util.Arrays.toString(noise));
        double[] tr = AutoConfig.errors(series(trending, 14), 14, 7, 56);
        assertTrue(tr[0] < tr[1] && tr[0] < tr[2], "naive best on the steep trend: "
                + java.util.Arrays.toString(tr));
        assertEquals(1, tr[3], 0.0, "one series counted");
        assertEquals(0, AutoConfig.errors(series(new float[60], 14), 14, 7, 56)[3], 0.0, "too short: not counted");
    }
}
