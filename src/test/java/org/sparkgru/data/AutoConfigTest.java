package org.sparkgru.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The choices {@code auto} leaves to the data, on series whose answer is known. */
class AutoConfigTest {

    @Test
    void lookbackCoversTwoHorizonsOrThreeSeasonsWithinTheData() {
        assertEquals(36, AutoConfig.lookback(12, 12, 1000), "monthly: three years");
        assertEquals(96, AutoConfig.lookback(48, 24, 5000), "hourly: two horizons");
        assertEquals(28, AutoConfig.lookback(14, 7, 180), "daily: two horizons");
        assertEquals(28, AutoConfig.lookback(12, 12, 80), "(80 - 24) / 2: the median series keeps windows");
        assertEquals(12, AutoConfig.lookback(12, 12, 40), "at least a season when one fits");
        assertEquals(1, AutoConfig.lookback(12, 12, 20), "at least 1");
    }

    private static Series series(float[] v, int horizon) {
        return new Series("s", 0, TimeGrid.fixed(TimeKind.INDEX, 0, 1), v, new float[0], 0, Scaler.identity(0),
                horizon, 1, new Series.Quality(0, 0, 0, 0));
    }

    @Test
    void seasonalNaiveWinsOnASeasonalSeriesNaiveOnATrendingOne() {
        int n = 200;
        float[] seasonal = new float[n];
        float[] trending = new float[n];
        for (int t = 0; t < n; t++) {
            seasonal[t] = (float) (10 * Math.sin(2 * Math.PI * t / 7) + 0.1 * Math.cos(t * 1.3));
            trending[t] = (float) (5 * t + Math.sin(2 * Math.PI * t / 7));
        }
        double[] s = AutoConfig.errors(series(seasonal, 14), 14, 7);
        assertTrue(s[1] < 0.2 * s[0], "seasonal naive far better on the sine: " + s[0] + " vs " + s[1]);
        double[] tr = AutoConfig.errors(series(trending, 14), 14, 7);
        assertTrue(tr[0] < tr[1], "naive better on the steep trend: " + tr[0] + " vs " + tr[1]);
        assertEquals(1, tr[2], 0.0, "one series counted");
        assertEquals(0, AutoConfig.errors(series(new float[20], 14), 14, 7)[2], 0.0, "too short: not counted");
    }
}
