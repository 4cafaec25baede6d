package org.sparkgru.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class InitializerTest {

    @Test
    void sameSeedSameBitsOtherSeedOtherBits() {
        NetworkSpec spec = NetworkSpec.regression(5, 33, 2, Variant.RESET_AFTER, 4, 2);
        float[] a = Initializer.keras(spec, 123);
        float[] b = Initializer.keras(spec, 123);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, Initializer.keras(spec, 124)));
    }

    @Test
    void followsKerasDefaults() {
        NetworkSpec spec = NetworkSpec.regression(6, 20, 2, Variant.RESET_AFTER, 3, 1);
        ParameterLayout lay = new ParameterLayout(spec);
        float[] p = Initializer.keras(spec, 9);
        int h = 20;
        for (int l = 0; l < 2; l++) {
            int in = spec.layerInput(l);
            double limit = Math.sqrt(6.0 / (in + 3 * h));
            double maxAbs = 0;
            for (int i = 0; i < in * 3 * h; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(p[lay.wx(l) + i]));
            }
            assertTrue(maxAbs <= limit && maxAbs > 0.9 * limit, "Glorot-uniform range, layer " + l + ": " + maxAbs);
            // rows of U (H x 3H) are orthonormal: U U^T = I
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < h; j++) {
                    double dot = 0;
                    for (int c = 0; c < 3 * h; c++) {
                        dot += (double) p[lay.wh(l) + i * 3 * h + c] * p[lay.wh(l) + j * 3 * h + c];
                    }
                    assertEquals(i == j ? 1.0 : 0.0, dot, 1e-6, "U U^T (" + i + "," + j + ") layer " + l);
                }
            }
            for (int i = 0; i < 3 * h; i++) {
                assertEquals(0f, p[lay.bx(l) + i], 0f, "zero input bias");
                assertEquals(0f, p[lay.bh(l) + i], 0f, "zero recurrent bias");
            }
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(0f, p[lay.headB() + i], 0f, "zero head bias");
        }
    }

    @Test
    void layoutIsContiguousAndDocumented() {
        NetworkSpec spec = NetworkSpec.regression(3, 5, 2, Variant.RESET_BEFORE, 2, 2);
        ParameterLayout lay = new ParameterLayout(spec);
        int expected = 0;
        StringBuilder names = new StringBuilder();
        for (ParameterLayout.Block b : lay.blocks()) {
            assertEquals(expected, b.offset(), b.name());
            expected += b.size();
            names.append(b.name()).append(Arrays.toString(b.shape())).append(' ');
        }
        assertEquals(lay.size(), expected);
        assertEquals("gru.0.w_x[3, 15] gru.0.w_h[5, 15] gru.0.b[15] gru.1.w_x[5, 15] gru.1.w_h[5, 15] gru.1.b[15]"
                + " head.w[5, 4] head.b[4] ", names.toString());
        assertEquals(-1, lay.bh(0));
    }
}
