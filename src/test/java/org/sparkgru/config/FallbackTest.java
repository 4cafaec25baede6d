package org.sparkgru.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.sparkgru.config.Fallback.Source;

/** The per-series choice of {@code forecast.fallback} from validation-tail MAEs (model, naive, seasonal naive). */
class FallbackTest {
    private static final double NAN = Double.NaN;

    @Test
    void aBaselineTakesOverOnlyWhereItsErrorIsStrictlyLower() {
        assertEquals(Source.MODEL, Fallback.NONE.choose(5, 1, 1));
        assertEquals(Source.NAIVE, Fallback.NAIVE.choose(5, 4, 1), "naive only looks at naive");
        assertEquals(Source.MODEL, Fallback.NAIVE.choose(5, 5, 1), "a tie keeps the model");
        assertEquals(Source.SEASONAL_NAIVE, Fallback.SEASONAL_NAIVE.choose(5, 1, 4));
        assertEquals(Source.MODEL, Fallback.SEASONAL_NAIVE.choose(3, 1, 4));
        assertEquals(Source.NAIVE, Fallback.BEST.choose(5, 2, 3), "the better of the two");
        assertEquals(Source.SEASONAL_NAIVE, Fallback.BEST.choose(5, 3, 2));
        assertEquals(Source.SEASONAL_NAIVE, Fallback.BEST.choose(5, 2, 2), "equal baselines: seasonal naive");
        assertEquals(Source.NAIVE, Fallback.BEST.choose(5, 4, 6));
        assertEquals(Source.MODEL, Fallback.BEST.choose(1, 2, 3));
    }

    @Test
    void unknownErrorsNeverHandTheSeriesToAnUnknownBaseline() {
        assertEquals(Source.MODEL, Fallback.BEST.choose(5, NAN, NAN));
        assertEquals(Source.SEASONAL_NAIVE, Fallback.BEST.choose(NAN, NAN, 2), "an unscored model gives way");
        assertEquals(Source.MODEL, Fallback.SEASONAL_NAIVE.choose(NAN, 1, NAN));
    }
}
