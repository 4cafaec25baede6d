package org.sparkgru.kernel;

/**
 * The single matrix-product interface of the kernel: a BLAS {@code sgemm} on <b>row-major</b> float arrays.
 *
 * <p>{@code C = alpha * op(A) * op(B) + beta * C}, where {@code op(A)} is {@code m x k}, {@code op(B)} is
 * {@code k x n} and {@code C} is {@code m x n}. A matrix {@code X} with leading dimension {@code ldx} has element
 * {@code (i, j)} at {@code x[xOff + i * ldx + j]}; when {@code transX} is true, the stored matrix is {@code op(X)}
 * transposed (so a transposed {@code A} is stored {@code k x m}). As in reference BLAS, {@code beta == 0} overwrites
 * {@code C} without reading it (NaN in {@code C} does not propagate).
 *
 * <p>The packed variant lets a caller pack a {@code B} operand once (a GRU's recurrent weights) and reuse it for
 * every time step of a window: {@link #packB} then {@link #sgemmPacked} as often as needed. Backends without a
 * packed format keep a view of the original array, so the packed operand must not change while it is in use.
 *
 * <p>Implementations are thread-safe; per-thread scratch space is allocated once per thread and reused.
 */
public interface Sgemm {

    /** A short name for logs and benchmarks. */
    String name();

    /** Row-major {@code C = alpha * op(A) * op(B) + beta * C}; see the class comment for the argument conventions. */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /**
     * Packs {@code op(B)} ({@code k x n}) for repeated use with {@link #sgemmPacked}.
     *
     * @param reuse a previous result of this method on this backend whose storage may be recycled, or null
     * @return the packed operand (possibly {@code reuse} itself)
     */
    PackedB packB(boolean transB, int k, int n, float[] b, int bOff, int ldb, PackedB reuse);

    /** {@code C = alpha * op(A) * B + beta * C} with {@code B} from {@link #packB}; {@code m x B.k()} times {@code B.k() x B.n()}. */
    void sgemmPacked(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                     PackedB b, float beta, float[] c, int cOff, int ldc);

    /** A {@code k x n} right-hand operand prepared by {@link #packB}. */
    interface PackedB {
        /** Rows of {@code op(B)} (the inner dimension of the product). */
        int k();

        /** Columns of {@code op(B)}. */
        int n();
    }

    /** Validates the arguments shared by every backend; throws {@link IllegalArgumentException} naming the bad one. */
    static void checkArgs(boolean transA, boolean transB, int m, int n, int k,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        if (m == 0 || n == 0) {
            return;
        }
        checkOperand("C", c, cOff, ldc, m, n);
        if (k == 0) {
            return;
        }
        checkOperand("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkOperand("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
    }

    /** Checks that a stored {@code rows x cols} matrix with leading dimension {@code ld} fits in {@code x}. */
    static void checkOperand(String name, float[] x, int off, int ld, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return;
        }
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("sgemm: leading dimension of " + name + " is " + ld
                    + " but the stored matrix has " + cols + " columns");
        }
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > x.length) {
            throw new IllegalArgumentException("sgemm: " + name + " (" + rows + "x" + cols + ", offset " + off
                    + ", ld " + ld + ") needs " + last + " elements but the array has " + x.length);
        }
    }
}
