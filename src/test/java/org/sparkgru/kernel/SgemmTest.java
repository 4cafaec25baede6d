package org.sparkgru.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both GEMM backends against a naive double-precision product, and against each other, for all four transpose
 * combinations, leading dimensions larger than the matrices, offsets, alpha and beta, packed and unpacked, and
 * sizes around the micro-kernel's tile edges (MR = 8, NR = 32 with AVX-512) and the KC = 256 depth blocking.
 * Tolerance: each element may differ from the exact value by {@code 1e-6 x sum |alpha a_ik b_kj| + |beta c|}
 * scaled, which float32 accumulation over k <= 300 terms stays well within (bound ~ k x 6e-8 ~ 2e-5 relative in
 * the worst case, ~1e-6 typical).
 */
class SgemmTest {
    private static final Sgemm[] BACKENDS = {new VectorSgemm(), new JavaBlasSgemm()};

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        int[][] sizes = {{1, 1, 1}, {7, 33, 5}, {8, 32, 16}, {9, 31, 257}, {17, 65, 3}, {130, 70, 300}, {3, 100, 1},
                {64, 96, 128}};
        for (int[] s : sizes) {
            for (int t = 0; t < 4; t++) {
                b.add(Arguments.of(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("cases")
    void matchesNaiveProduct(int m, int n, int k, boolean transA, boolean transB) {
        Random rnd = new Random(m * 1000L + n * 10L + k);
        int lda = (transA ? m : k) + 3;
        int ldb = (transB ? k : n) + 5;
        int ldc = n + 2;
        int aOff = 4;
        int bOff = 1;
        int cOff = 7;
        float[] a = random(rnd, aOff + (transA ? k : m) * lda);
        float[] b = random(rnd, bOff + (transB ? n : k) * ldb);
        float[] c0 = random(rnd, cOff + m * ldc);
        float alpha = 0.75f;
        float beta = -1.5f;
        float[][] results = new float[4][];
        int r = 0;
        for (Sgemm g : BACKENDS) {
            float[] c = c0.clone();
            g.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            results[r++] = c;
            if (!transB) {
                float[] cp = c0.clone();
                Sgemm.PackedB pb = g.packB(false, k, n, b, bOff, ldb, null);
                g.sgemmPacked(transA, m, alpha, a, aOff, lda, pb, beta, cp, cOff, ldc);
                results[r++] = cp;
            } else {
                float[] cp = c0.clone();
                Sgemm.PackedB pb = g.packB(true, k, n, b, bOff, ldb, null);
                g.sgemmPacked(transA, m, alpha, a, aOff, lda, pb, beta, cp, cOff, ldc);
                results[r++] = cp;
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = 0;
                double mag = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    exact += av * bv;
                    mag += Math.abs(av * bv);
                }
                double want = alpha * exact + beta * c0[cOff + i * ldc + j];
                double tol = 1e-6 * (Math.abs(alpha) * mag + Math.abs(beta * c0[cOff + i * ldc + j])) + 1e-7;
                for (float[] c : results) {
                    assertEquals(want, c[cOff + i * ldc + j], tol, "C(" + i + "," + j + ")");
                }
            }
        }
        // nothing outside the m x n block is touched (padding columns of C and the offset prefix)
        for (float[] c : results) {
            for (int i = 0; i < cOff; i++) {
                assertEquals(c0[i], c[i], 0f, "prefix " + i);
            }
            for (int i = 0; i < m; i++) {
                for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++) {
                    assertEquals(c0[cOff + i * ldc + j], c[cOff + i * ldc + j], 0f, "padding (" + i + "," + j + ")");
                }
            }
        }
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        for (Sgemm g : BACKENDS) {
            float[] a = {1, 2, 3, 4};
            float[] b = {1, 0, 0, 1};
            float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
            g.sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
            assertEquals(1f, c[0], 0f, g.name());
            assertEquals(4f, c[3], 0f, g.name());
            float[] d = {Float.NaN, 5};
            g.sgemm(false, false, 1, 2, 0, 1f, a, 0, 1, b, 0, 2, 0f, d, 0, 2);
            assertFalse(Float.isNaN(d[0]), g.name() + ": k = 0 with beta = 0 clears C");
        }
    }

    @Test
    void argumentErrorsNameTheOperand() {
        for (Sgemm g : BACKENDS) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> g.sgemm(false, false, 2, 2, 2, 1f, new float[3], 0, 2, new float[4], 0, 2, 0f,
                            new float[4], 0, 2));
            assertTrue(e.getMessage().contains("A (2x2, offset 0, ld 2) needs 4 elements but the array has 3"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> g.sgemm(false, true, 2, 3, 2, 1f, new float[4], 0, 2, new float[6], 0, 1, 0f,
                            new float[6], 0, 3));
            assertTrue(e.getMessage().contains("leading dimension of B is 1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> g.sgemm(false, false, -1, 2, 2, 1f, new float[4], 0, 2, new float[4], 0, 2, 0f,
                            new float[4], 0, 2));
            assertTrue(e.getMessage().contains("negative size"), e.getMessage());
        }
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (2 * rnd.nextDouble() - 1);
        }
        return x;
    }
}
