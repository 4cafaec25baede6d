package org.sparkgru.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one definition of the metrics, on numbers worked out by hand. */
class ErrorSumsTest {

    @Test
    void metricsOfTwoSeriesMergedAcrossPartitions() {
        ErrorSums a = new ErrorSums();
        a.add(12, 10);                  // |e| 2, sMAPE term 2*2/22
        a.add(0, 0);                    // a zero actual: counted, left out of MAPE, sMAPE term 0
        a.addMase(1.0, 0.5);            // MASE 2
        ErrorSums b = new ErrorSums();
        b.add(5, 10);                   // |e| 5
        b.addMase(5.0, 10);             // MASE 0.5
        ErrorSums m = new ErrorSums().merge(a).merge(b);
        assertEquals(3, m.points());
        assertEquals(1, m.zeroActuals());
        assertEquals(7.0 / 3, m.mae(), 1e-12);
        assertEquals(Math.sqrt(29.0 / 3), m.rmse(), 1e-12);
        assertEquals(100 * (0.2 + 0.5) / 2, m.mape(), 1e-12);
        assertEquals(100 * (4.0 / 22 + 0 + 10.0 / 15) / 3, m.smape(), 1e-12);
        assertEquals(1.25, m.mase(), 1e-12);
        assertEquals(5.0, ErrorSums.maseScale(new float[] {1, 2, 5, 8}, 4, 2), 1e-12, "(|5-1| + |8-2|) / 2");
    }

    @Test
    void aSeriesWithoutPointsOrScaleDoesNotPoisonTheMean() {
        ErrorSums s = new ErrorSums();
        s.addMase(Double.NaN, 1);       // a series with no validation points
        s.addMase(3, 0);                // a series whose in-sample seasonal error is 0
        assertTrue(Double.isNaN(s.mase()), "no series counted");
        s.addMase(2, 4);
        assertEquals(0.5, s.mase(), 0.0);
    }
}
