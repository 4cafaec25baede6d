package org.sparkgru.training;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one warning about the Vector API's allocating fallback: said once, from the median after warm-up. */
class FallbackWarningTest {

    @Test
    void aCompiledKernelIsNeverWarnedAbout() {
        FallbackWarning w = new FallbackWarning();
        for (int it = 1; it <= 100; it++) {
            assertNull(w.observe(it, it <= 3 ? 200_000 : (it == 35 ? 50_000 : 0)), "warm-up and one outlier: silent");
        }
        FallbackWarning late = new FallbackWarning();
        for (int it = 1; it <= 100; it++) {
            assertNull(late.observe(it, it <= 15 ? 1_100_875 : 0), "compiled at iteration 16 on a loaded machine");
        }
    }

    @Test
    void theFallbackIsNamedOnceWithTheFix() {
        FallbackWarning w = new FallbackWarning();
        String said = null;
        int warnings = 0;
        for (int it = 1; it <= 100; it++) {
            String m = w.observe(it, 55_300);
            if (m != null) {
                said = m;
                warnings++;
            }
        }
        assertTrue(warnings == 1, "one warning, not one per iteration");
        assertTrue(said.startsWith("the kernel allocates 55300 heap bytes per training window on the executors"
                + " (median of iterations 31 to 40"), said);
        assertTrue(said.contains("Train on JDK 21 or newer, JDK 25 recommended"), said);
    }
}
