package org.sparkgru.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Accuracy of the rational tanh and the sigmoid built on it, and agreement of vector and scalar gate code. */
class ActivationsTest {

    @Test
    void tanhAndSigmoidAreAccurateEverywhere() {
        double worstTanh = 0;
        double worstSig = 0;
        for (double x = -40; x <= 40; x += 1e-3) {
            float f = (float) x;
            worstTanh = Math.max(worstTanh, Math.abs(Activations.tanh(f) - Math.tanh(f)));
            worstSig = Math.max(worstSig, Math.abs(Activations.sigmoid(f) - 1 / (1 + Math.exp(-f))));
        }
        // float32 resolution near 1 is 6e-8; a few ulps is the design target
        assertTrue(worstTanh < 5e-7, "tanh max abs error " + worstTanh);
        assertTrue(worstSig < 3e-7, "sigmoid max abs error " + worstSig);
        // saturates at the clamp (within 3 ulps of 1), never overflows, and lets NaN through for NaN detection
        assertEquals(1f, Activations.tanh(1e30f), 3e-7f);
        assertEquals(-1f, Activations.tanh(Float.NEGATIVE_INFINITY), 3e-7f);
        assertTrue(Float.isNaN(Activations.tanh(Float.NaN)), "NaN propagates");
        assertEquals(0f, Activations.tanh(0f), 0f);
        assertEquals(0.5f, Activations.sigmoid(0f), 0f);
        float tiny = 1e-20f;
        assertEquals(tiny, Activations.tanh(tiny), 1e-26f, "odd, accurate near 0");
    }

    @Test
    void vectorGatesMatchScalarGates() {
        Gates v = new VectorGates();
        Gates s = new ScalarGates();
        int rows = 3;
        for (int h : new int[] {1, 7, 16, 33, 64}) {
            Random rnd = new Random(h);
            float[] g = rand(rnd, rows * 3 * h + 5, 3);
            float[] gh = rand(rnd, rows * 3 * h, 3);
            float[] p = rand(rnd, 6 * h + 4, 1);
            float[] hs = rand(rnd, 2 * rows * h + 2, 1);
            float[] aux = new float[rows * h + 1];
            float[] dh = rand(rnd, rows * h, 1);
            float[][] gv = {g.clone(), gh.clone(), hs.clone(), aux.clone(), new float[rows * 3 * h], new float[rows * h]};
            float[][] gs = {g.clone(), gh.clone(), hs.clone(), aux.clone(), new float[rows * 3 * h], new float[rows * h]};
            v.forwardResetAfter(rows, h, gv[0], 2, gv[1], p, 1, 3 * h + 2, gv[2], 1, 1 + rows * h, gv[3], 1);
            s.forwardResetAfter(rows, h, gs[0], 2, gs[1], p, 1, 3 * h + 2, gs[2], 1, 1 + rows * h, gs[3], 1);
            v.backwardResetAfter(rows, h, gv[0], 2, gv[3], 1, gv[2], 1, dh, gv[4], 0, gv[5]);
            s.backwardResetAfter(rows, h, gs[0], 2, gs[3], 1, gs[2], 1, dh, gs[4], 0, gs[5]);
            v.forwardResetBeforeRZ(rows, h, gv[0], 2, gv[1], p, 1, gv[2], 1, gv[3], 1);
            s.forwardResetBeforeRZ(rows, h, gs[0], 2, gs[1], p, 1, gs[2], 1, gs[3], 1);
            v.forwardResetBeforeN(rows, h, gv[0], 2, gv[1], p, 1, gv[2], 1, 1 + rows * h);
            s.forwardResetBeforeN(rows, h, gs[0], 2, gs[1], p, 1, gs[2], 1, 1 + rows * h);
            v.backwardResetBeforeZN(rows, h, gv[0], 2, gv[2], 1, dh, gv[5]);
            s.backwardResetBeforeZN(rows, h, gs[0], 2, gs[2], 1, dh, gs[5]);
            v.backwardResetBeforeR(rows, h, gv[0], 2, gv[2], 1, dh, gv[5]);
            s.backwardResetBeforeR(rows, h, gs[0], 2, gs[2], 1, dh, gs[5]);
            for (int a = 0; a < gv.length; a++) {
                for (int i = 0; i < gv[a].length; i++) {
                    assertEquals(gs[a][i], gv[a][i], 2e-6f * (1 + Math.abs(gs[a][i])), "h=" + h + " array " + a + "[" + i + "]");
                }
            }
        }
    }

    private static float[] rand(Random rnd, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (scale * rnd.nextGaussian());
        }
        return x;
    }
}
