package org.sparkgru.kernel;

import dev.ludovic.netlib.blas.JavaBLAS;

/**
 * {@link Sgemm} backed by netlib's pure-Java BLAS ({@code dev.ludovic.netlib.blas.JavaBLAS.getInstance()}).
 *
 * <p>Never uses {@code BLAS.getInstance()}, which silently loads a native library through JNI when one is
 * installed. Netlib is column-major; a row-major product {@code C = op(A) op(B)} is computed as the column-major
 * product {@code C^T = op(B)^T op(A)^T}, which reads the same memory without copies. Packing keeps a view of the
 * caller's array.
 */
public final class JavaBlasSgemm implements Sgemm {

    private final JavaBLAS blas = JavaBLAS.getInstance();

    @Override
    public String name() {
        return "javablas(" + blas.getClass().getSimpleName() + ")";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Sgemm.checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            Scale.scale(beta, c, cOff, ldc, m, n);
            return;
        }
        blas.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha,
                b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc);
    }

    @Override
    public PackedB packB(boolean transB, int k, int n, float[] b, int bOff, int ldb, PackedB reuse) {
        Sgemm.checkOperand("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        return new View(transB, k, n, b, bOff, ldb);
    }

    @Override
    public void sgemmPacked(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                            PackedB packed, float beta, float[] c, int cOff, int ldc) {
        View v = (View) packed;
        sgemm(transA, v.trans, m, v.n, v.k, alpha, a, aOff, lda, v.b, v.off, v.ld, beta, c, cOff, ldc);
    }

    private record View(boolean trans, int k, int n, float[] b, int off, int ld) implements PackedB {
    }
}
