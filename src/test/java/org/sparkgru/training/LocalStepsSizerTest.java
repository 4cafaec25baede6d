package org.sparkgru.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The choice of {@code train.localSteps = auto} from the measured costs. */
class LocalStepsSizerTest {
    @Test
    void theFewestStepsThatKeepTheFixedCostAtATenth() {
        assertEquals(9, LocalStepsSizer.localSteps(0.010, 0.010), "10 ms fixed, 10 ms per step: 10 / (10 + 90)");
        assertEquals(1, LocalStepsSizer.localSteps(0.001, 0.010), "compute dominates already");
        assertEquals(19, LocalStepsSizer.localSteps(0.0195, 0.0093), "the sample's floor: 9 x 19.5 / 9.3 = 18.9");
        assertEquals(LocalStepsSizer.MAX, LocalStepsSizer.localSteps(0.190, 0.002), "a 128-node job's fixed cost");
        assertEquals(LocalStepsSizer.MAX, LocalStepsSizer.localSteps(0.010, 0), "no compute measured");
    }
}
