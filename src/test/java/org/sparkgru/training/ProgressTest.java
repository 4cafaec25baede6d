package org.sparkgru.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.sparkgru.config.TrainConfig;

/** Which iterations get a progress line, and how durations read. */
class ProgressTest {
    private static ObjectNode line(double loss) {
        return JsonNodeFactory.instance.objectNode().put("trainLoss", loss).put("windows", 256);
    }

    @Test
    void autoShowsAboutTwentyLinesPlusValidationsAndTheLast() {
        Progress p = new Progress(300, TrainConfig.AUTO, 0);
        int shown = 0;
        for (int it = 1; it <= 300; it++) {
            Validation v = it % 50 == 0 || it == 7 ? Validation.of(new org.sparkgru.metrics.ErrorSums()) : null;
            if (p.after(it, line(0.5), v, it == 300) != null) {
                shown++;
            }
        }
        // every 15th iteration (20 lines), and the validations at 7, 50, 100, 200 and 250 (150 and 300 are on the grid)
        assertEquals(25, shown);
    }

    @Test
    void aResumedRunCountsFromItsFirstIterationAndLogEveryIsKept() {
        Progress p = new Progress(100, 10, 60);
        assertNull(p.after(61, line(0.4), null, false));
        String s = p.after(70, line(0.4), null, false);
        assertTrue(s.startsWith("iteration 70/100 (70 %) | 0:00 elapsed, 0:00 left | loss 0.4000 | no validation"
                + " yet | "), s);
        assertTrue(p.summary("completed 100 iterations", 100, 90, null).startsWith(
                "training finished (completed 100 iterations): 40 iterations in 0:00"), "counts this run's iterations");
    }

    @Test
    void durationsReadAsClockTimes() {
        assertEquals("0:07", Progress.duration(7.2));
        assertEquals("12:30", Progress.duration(750));
        assertEquals("1:02:03", Progress.duration(3723));
        assertEquals("?", Progress.duration(Double.NaN));
    }
}
