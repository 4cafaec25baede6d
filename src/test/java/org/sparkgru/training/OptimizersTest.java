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

    /**
     * The averageable form of local steps' inner state: Adam ships its first moments and the roots of its second
     * moments (on the gradients' scale), so the average of two partitions' exports is their mean m and the mean of
     * their RMS; SGD ships its velocity. Import takes the step count for Adam's bias correction.
     */
    @Test
    void averageableStateRoundTripsAndAverages() {
        Adam a = Adam.withDefaults(2);
        Adam b = Adam.withDefaults(2);
        a.step(new float[2], new float[] {0.4f, -2f}, 0.01);
        b.step(new float[2], new float[] {0.2f, 2f}, 0.01);
        assertEquals(4, a.averageableSize());
        float[] ea = new float[5];
        float[] eb = new float[5];
        a.exportState(ea, 1);
        b.exportState(eb, 1);
        assertArrayEquals(new float[] {0f, 0.04f, -0.2f, 0.4f * (float) Math.sqrt(0.001), 2f * (float) Math.sqrt(0.001)},
                ea, 1e-6f, "m = 0.1 g, sqrt(v) = |g| sqrt(0.001)");
        float[] mean = new float[5];
        for (int i = 0; i < 5; i++) {
            mean[i] = (ea[i] + eb[i]) / 2;
        }
        Adam avg = Adam.withDefaults(2);
        avg.importState(mean, 1, 7);
        assertEquals(7, avg.steps());
        assertArrayEquals(new float[] {0.03f, 0f}, avg.state().get("adam.m"), 1e-7f);
        float[] va = a.state().get("adam.v");
        float[] vb = b.state().get("adam.v");
        float[] rms = new float[2];
        for (int i = 0; i < 2; i++) {
            float root = (float) (Math.sqrt(va[i]) + Math.sqrt(vb[i])) / 2;
            rms[i] = root * root;
        }
        assertArrayEquals(rms, avg.state().get("adam.v"), 1e-11f, "the square of the mean RMS");
        assertEquals(0.09f * 0.001f, rms[0], 1e-8f, "((0.4 + 0.2) / 2)^2 x (1 - beta2)");
        Sgd sgd = new Sgd(2, 0.9, true);
        sgd.step(new float[2], new float[] {1f, -3f}, 0.1);
        float[] es = new float[sgd.averageableSize()];
        sgd.exportState(es, 0);
        Sgd back = new Sgd(2, 0.9, true);
        back.importState(es, 0, 1);
        assertArrayEquals(sgd.state().get("sgd.velocity"), back.state().get("sgd.velocity"), 0f);
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
