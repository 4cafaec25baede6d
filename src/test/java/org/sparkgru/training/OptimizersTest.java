package org.sparkgru.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgru.config.TrainConfig;

class OptimizersTest {

    @Test
    void sgdMomentumAndNesterovByHand() {
        Sgd heavy = new Sgd(1, 0.5, false);
        float[] p = {1f};
        heavy.step(p, new float[] {2f}, 0.1);     // v = 2, p = 1 - 0.2
        heavy.step(p, new float[] {2f}, 0.1);     // v = 0.5*2 + 2 = 3, p = 0.8 - 0.3
        assertEquals(0.5f, p[0], 1e-6f);
        Sgd nesterov = new Sgd(1, 0.5, true);
        float[] q = {1f};
        nesterov.step(q, new float[] {2f}, 0.1);  // v = 2, q = 1 - 0.1 (2 + 1)
        assertEquals(0.7f, q[0], 1e-6f);
        assertEquals(1, nesterov.steps());
    }

    @Test
    void adamFirstStepMovesEachParameterByTheLearningRate() {
        Adam adam = Adam.withDefaults(3);
        float[] p = {0f, 0f, 0f};
        adam.step(p, new float[] {5f, -0.001f, 0f}, 0.01);
        assertArrayEquals(new float[] {-0.01f, 0.01f, 0f}, p, 1e-5f);
        Adam copy = Adam.withDefaults(3);
        copy.restore(adam.state(), adam.steps());
        float[] a = p.clone();
        float[] b = p.clone();
        adam.step(a, new float[] {1f, 1f, 1f}, 0.01);
        copy.step(b, new float[] {1f, 1f, 1f}, 0.01);
        assertArrayEquals(a, b, 0f, "a restored state continues identically");
    }

    @Test
    void learningRateSchedules() {
        TrainConfig.Train step = TrainConfig.load(null, List.of("train.schedule=step", "train.stepEvery=10",
                "train.stepFactor=0.5", "train.warmup=4", "train.iterations=100")).train();
        assertEquals(0.25, MinibatchStep.schedule(step, 0), 1e-12, "warm-up: iteration 1 of 4");
        assertEquals(1.0, MinibatchStep.schedule(step, 3), 1e-12);
        assertEquals(1.0, MinibatchStep.schedule(step, 13), 1e-12);
        assertEquals(0.5, MinibatchStep.schedule(step, 14), 1e-12);
        assertEquals(0.25, MinibatchStep.schedule(step, 24), 1e-12);
        TrainConfig.Train cosine = TrainConfig.load(null, List.of("train.schedule=cosine", "train.iterations=100"))
                .train();
        assertEquals(1.0, MinibatchStep.schedule(cosine, 0), 1e-12);
        assertEquals(0.5, MinibatchStep.schedule(cosine, 50), 1e-12);
        assertEquals(0.0, MinibatchStep.schedule(cosine, 100), 1e-12);
    }

    @Test
    void batchSharesFollowWindowCountsAndSumToTheBatch() {
        assertArrayEquals(new int[] {50, 25, 25}, MinibatchStep.shares(List.of(200L, 100L, 100L), 100));
        int[] s = MinibatchStep.shares(List.of(1L, 1L, 1L), 10);
        assertEquals(10, s[0] + s[1] + s[2]);
        assertArrayEquals(new int[] {4, 3, 3}, s, "largest remainder, first partition on ties");
        assertArrayEquals(new int[] {0, 7}, MinibatchStep.shares(List.of(0L, 5L), 7));
    }
}
