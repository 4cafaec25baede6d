package org.sparkgru.kernel;

import java.util.Arrays;

/** {@code C = beta * C} on a row-major block, with BLAS semantics for {@code beta == 0} (overwrite with zeros). */
final class Scale {
    private Scale() {
    }

    static void scale(float beta, float[] c, int cOff, int ldc, int m, int n) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) {
                Arrays.fill(c, row, row + n, 0f);
            } else {
                for (int j = row; j < row + n; j++) {
                    c[j] *= beta;
                }
            }
        }
    }
}
