package org.sparkgru.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigValue;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkgru.config.SearchStrategy;
import org.sparkgru.config.TuningMetric;

/** Expanding a search space into trials, without Spark: the grid's order, random draws, ranges and their scales. */
class SearchSpaceTest {
    private static List<String> described(List<Map<String, ConfigValue>> trials) {
        return trials.stream().map(t -> String.join(" ", SearchSpace.render(t))).toList();
    }

    @Test
    void theGridIsTheCartesianProductInAStableOrder() {
        SearchSpace space = SearchSpace.parse(null, List.of("train.optimizer=[adam, sgd]", "model.hidden=[8, 16, 32]"));
        assertEquals(List.of("model.hidden=8 train.optimizer=\"adam\"", "model.hidden=8 train.optimizer=\"sgd\"",
                "model.hidden=16 train.optimizer=\"adam\"", "model.hidden=16 train.optimizer=\"sgd\"",
                "model.hidden=32 train.optimizer=\"adam\"", "model.hidden=32 train.optimizer=\"sgd\""),
                described(space.expand(SearchStrategy.GRID, null, 0)));
        assertEquals(6, space.expand(SearchStrategy.GRID, 6, 0).size(), "a budget of the grid's size is enough");
    }

    @Test
    void randomDrawsAreDeterministicForASeedAndStayInTheirRanges() {
        SearchSpace space = SearchSpace.parse(null, List.of("train.learningRate={min=1e-4, max=1e-2, scale=log}",
                "model.hidden={min=4, max=256, scale=log}", "train.clipNorm={min=0.5, max=2}",
                "model.baseline=[naive, seasonal-naive]"));
        List<Map<String, ConfigValue>> a = space.expand(SearchStrategy.RANDOM, 400, 7);
        assertEquals(400, a.size());
        assertEquals(described(a), described(space.expand(SearchStrategy.RANDOM, 400, 7)), "same seed, same trials");
        assertNotEquals(described(a), described(space.expand(SearchStrategy.RANDOM, 400, 8)));
        int belowMilli = 0;
        int belowThirtyTwo = 0;
        int naive = 0;
        for (Map<String, ConfigValue> t : a) {
            double lr = ((Number) t.get("train.learningRate").unwrapped()).doubleValue();
            assertTrue(lr >= 1e-4 && lr <= 1e-2, "learning rate " + lr);
            belowMilli += lr < 1e-3 ? 1 : 0;
            Object hidden = t.get("model.hidden").unwrapped();
            assertTrue(hidden instanceof Integer || hidden instanceof Long, "a whole number for an integer key");
            long h = ((Number) hidden).longValue();
            assertTrue(h >= 4 && h <= 256, "hidden " + h);
            belowThirtyTwo += h < 32 ? 1 : 0;
            double clip = ((Number) t.get("train.clipNorm").unwrapped()).doubleValue();
            assertTrue(clip >= 0.5 && clip <= 2, "clip " + clip);
            naive += "naive".equals(t.get("model.baseline").unwrapped()) ? 1 : 0;
        }
        // log-uniform: 1e-3 is the middle of [1e-4, 1e-2], 32 of [4, 256]; linear would put 9% and 11% below them
        assertTrue(belowMilli > 160 && belowMilli < 240, "log scale: " + belowMilli + " of 400 below 1e-3");
        assertTrue(belowThirtyTwo > 160 && belowThirtyTwo < 240, "log scale: " + belowThirtyTwo + " of 400 below 32");
        assertTrue(naive > 160 && naive < 240, "uniform over the list: " + naive + " of 400");
    }

    @Test
    void aSmallListedSpaceGivesEachPointOnce() {
        SearchSpace space = SearchSpace.parse(null, List.of("model.hidden=[8, 16]", "model.layers=[1, 2]"));
        List<Map<String, ConfigValue>> trials = space.expand(SearchStrategy.RANDOM, 10, 3);
        assertEquals(4, trials.size());
        assertEquals(4, new HashSet<>(described(trials)).size());
    }

    @Test
    void theDefaultParallelismFillsTheCoresWithAtLeastTwoTrials() {
        Tuning.Plan plan = Tuning.plan(null, List.of("data.partitions=2"), SearchSpace.parse(null,
                List.of("model.hidden=[4, 8, 16, 32, 64]")), new Tuning.Options(SearchStrategy.GRID, null,
                TuningMetric.MASE, null, 1));
        assertEquals(4, Tuning.parallelism(plan.trials(), 8), "8 cores, 2 tasks per trial");
        assertEquals(2, Tuning.parallelism(plan.trials(), 2), "at least two");
        assertEquals(5, Tuning.parallelism(plan.trials(), 64), "at most the trials");
        Tuning.Plan all = Tuning.plan(null, List.of(), SearchSpace.parse(null, List.of("model.hidden=[4, 8, 16]")),
                new Tuning.Options(SearchStrategy.GRID, null, TuningMetric.MASE, null, 1));
        assertEquals(2, Tuning.parallelism(all.trials(), 16), "data.partitions = 0: each trial takes every core");
    }
}
