package org.sparkgru.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Sgemm} on the Java Vector API: a GotoBLAS/BLIS-style blocked product with an {@value #MR} x NR
 * register-blocked micro-kernel, NR being two vectors of the machine's preferred float species (32 floats with
 * AVX-512, 16 with AVX2).
 *
 * <p>Loop order (BLIS): for every {@value #KC}-deep slice of the inner dimension, {@code op(B)} is packed into
 * NR-wide column panels ({@code kc x NR}, zero-padded), then for every {@value #MC}-row block of {@code op(A)}
 * the block is packed (times {@code alpha}) into MR-high row panels, and the micro-kernel accumulates one
 * {@code MR x NR} tile of {@code C} in registers with fused multiply-adds, then adds it to {@code C} (or, for
 * {@code beta = 0}, stores it on the first slice, so C is never zero-filled first). {@link #packB} packs all slices of a
 * {@code B} operand once, so a GRU's recurrent weights are packed once per window and reused by every step.
 *
 * <p>Per-thread scratch (packed panels) grows to the largest shape seen and is then reused: no allocation per call
 * in steady state.
 *
 * <p>On JDK 17, C2 only turns a Vector API call into machine code when it can prove the vector's exact class; when
 * other code in the JVM uses another float shape (netlib's VectorBLAS uses {@code FloatMaxVector}) the shared
 * profiles inside the API stop proving it, and every unproven operation falls back to allocating Java code (we
 * measured a 26x slowdown). Hence accumulators start from {@code broadcast(S, 0)} rather than {@code zero(S)}, and
 * every store goes through an operation whose receiver has a known class ({@code fromArray(...).add(acc)},
 * {@code zero.add(acc)}). JDK 25 is not affected (measured).
 */
public final class VectorSgemm implements Sgemm {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of the register tile. */
    static final int MR = 8;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * L;
    /** Depth of a packed slice of the inner dimension. */
    static final int KC = 256;
    /**
     * Below this depth the tiles of C are visited row panel by row panel, so that C (whose traffic then outweighs
     * the arithmetic) is written in long contiguous runs; above it column panel by column panel, so that a
     * {@code kc x NR} panel of B stays in L1 while the rows of A stream past (BLIS order). Measured on AVX-512:
     * 3x faster input projections at k = 16, slightly slower products at k >= 128 in row order.
     */
    static final int ROW_ORDER_BELOW = 64;
    /** Rows of op(A) packed at a time. */
    static final int MC = 128;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    @Override
    public String name() {
        return "vector(" + S.vectorBitSize() + "-bit, " + MR + "x" + NR + " tile)";
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
        if (beta != 0f) {
            Scale.scale(beta, c, cOff, ldc, m, n);
        }
        Scratch s = SCRATCH.get();
        int panels = panels(n);
        float[] bBuf = s.b(panels * NR * Math.min(k, KC));
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            packBSlice(transB, b, bOff, ldb, pc, kc, n, bBuf, 0);
            macro(transA, m, n, kc, alpha, a, aOff, lda, pc, bBuf, 0, c, cOff, ldc, s, beta == 0f && pc == 0);
        }
    }

    @Override
    public PackedB packB(boolean transB, int k, int n, float[] b, int bOff, int ldb, PackedB reuse) {
        Sgemm.checkOperand("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        int size = panels(n) * NR * k;
        Packed p = reuse instanceof Packed old && old.data.length >= size ? old : new Packed(new float[size]);
        p.k = k;
        p.n = n;
        for (int pc = 0; pc < k; pc += KC) {
            packBSlice(transB, b, bOff, ldb, pc, Math.min(KC, k - pc), n, p.data, panels(n) * NR * pc);
        }
        return p;
    }

    @Override
    public void sgemmPacked(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                            PackedB packed, float beta, float[] c, int cOff, int ldc) {
        Packed p = (Packed) packed;
        int n = p.n;
        int k = p.k;
        Sgemm.checkArgs(transA, false, m, n, k, a, aOff, lda, p.data, 0, Math.max(1, n), c, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            Scale.scale(beta, c, cOff, ldc, m, n);
            return;
        }
        if (beta != 0f) {
            Scale.scale(beta, c, cOff, ldc, m, n);
        }
        Scratch s = SCRATCH.get();
        int sliceStride = panels(n) * NR;
        for (int pc = 0; pc < k; pc += KC) {
            macro(transA, m, n, Math.min(KC, k - pc), alpha, a, aOff, lda, pc, p.data, sliceStride * pc,
                    c, cOff, ldc, s, beta == 0f && pc == 0);
        }
    }

    private static int panels(int n) {
        return (n + NR - 1) / NR;
    }

    /** Packs rows {@code pc..pc+kc} of op(B) into NR-wide panels at {@code dst[base]}: panel j holds kc x NR. */
    private static void packBSlice(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int n,
                                   float[] dst, int base) {
        int panels = panels(n);
        for (int jp = 0; jp < panels; jp++) {
            int j0 = jp * NR;
            int nr = Math.min(NR, n - j0);
            int d = base + jp * kc * NR;
            if (!transB) {
                for (int p = 0; p < kc; p++, d += NR) {
                    int src = bOff + (pc + p) * ldb + j0;
                    if (nr == NR) {
                        FloatVector.fromArray(S, b, src).intoArray(dst, d);
                        FloatVector.fromArray(S, b, src + L).intoArray(dst, d + L);
                    } else {
                        System.arraycopy(b, src, dst, d, nr);
                        java.util.Arrays.fill(dst, d + nr, d + NR, 0f);
                    }
                }
            } else {
                for (int jj = 0; jj < NR; jj++) {
                    if (jj < nr) {
                        int src = bOff + (j0 + jj) * ldb + pc;
                        for (int p = 0; p < kc; p++) {
                            dst[d + p * NR + jj] = b[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            dst[d + p * NR + jj] = 0f;
                        }
                    }
                }
            }
        }
    }

    /** Packs rows {@code ic..ic+mc}, columns {@code pc..pc+kc} of alpha*op(A) into MR-high panels. */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc,
                              float alpha, float[] dst) {
        int panels = (mc + MR - 1) / MR;
        for (int ip = 0; ip < panels; ip++) {
            int i0 = ic + ip * MR;
            int mr = Math.min(MR, ic + mc - i0);
            int d = ip * kc * MR;
            if (transA) {
                for (int p = 0; p < kc; p++, d += MR) {
                    int src = aOff + (pc + p) * lda + i0;
                    for (int ii = 0; ii < mr; ii++) {
                        dst[d + ii] = alpha * a[src + ii];
                    }
                    for (int ii = mr; ii < MR; ii++) {
                        dst[d + ii] = 0f;
                    }
                }
            } else {
                for (int ii = 0; ii < MR; ii++) {
                    if (ii < mr) {
                        int src = aOff + (i0 + ii) * lda + pc;
                        for (int p = 0; p < kc; p++) {
                            dst[d + p * MR + ii] = alpha * a[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            dst[d + p * MR + ii] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * One slice of the product. With {@code alpha = 1}, full MR-row panels of op(A) are read in place (row-major A:
     * MR rows of stride lda; transposed A: MR contiguous floats per step of stride lda), so only the ragged last
     * panel is packed; otherwise every panel is packed with alpha folded in.
     */
    private static void macro(boolean transA, int m, int n, int kc, float alpha, float[] a, int aOff, int lda,
                              int pc, float[] bBuf, int bBase, float[] c, int cOff, int ldc, Scratch s,
                              boolean overwrite) {
        float[] aBuf = s.a();
        float[] tmp = s.tmp;
        int nPanels = panels(n);
        for (int ic = 0; ic < m; ic += MC) {
            int mc = Math.min(MC, m - ic);
            int inPlace = alpha == 1f && !transA ? mc / MR : 0;
            if (inPlace * MR < mc) {
                packA(transA, a, aOff, lda, ic + inPlace * MR, mc - inPlace * MR, pc, kc, alpha, aBuf);
            }
            int mPanels = (mc + MR - 1) / MR;
            if (kc < ROW_ORDER_BELOW) {
                for (int ip = 0; ip < mPanels; ip++) {
                    for (int jp = 0; jp < nPanels; jp++) {
                        tile(transA, m, n, kc, a, aOff, lda, pc, aBuf, bBuf, bBase, c, cOff, ldc, tmp, overwrite,
                                ic, ip, jp, inPlace);
                    }
                }
            } else {
                for (int jp = 0; jp < nPanels; jp++) {
                    for (int ip = 0; ip < mPanels; ip++) {
                        tile(transA, m, n, kc, a, aOff, lda, pc, aBuf, bBuf, bBase, c, cOff, ldc, tmp, overwrite,
                                ic, ip, jp, inPlace);
                    }
                }
            }
        }
    }

    /** One MR x NR tile of C at row panel {@code ip} of block {@code ic} and column panel {@code jp}. */
    private static void tile(boolean transA, int m, int n, int kc, float[] a, int aOff, int lda, int pc, float[] aBuf,
                             float[] bBuf, int bBase, float[] c, int cOff, int ldc, float[] tmp, boolean overwrite,
                             int ic, int ip, int jp, int inPlace) {
        int i0 = ic + ip * MR;
        int j0 = jp * NR;
        int mr = Math.min(MR, m - i0);
        int nr = Math.min(NR, n - j0);
        int bi = bBase + jp * kc * NR;
        int ci = cOff + i0 * ldc + j0;
        if (ip < inPlace) {
            if (transA) {
                microKernel(kc, a, aOff + pc * lda + i0, 1, lda, bBuf, bi, c, ci, ldc, mr, nr, tmp, overwrite);
            } else {
                microKernel(kc, a, aOff + i0 * lda + pc, lda, 1, bBuf, bi, c, ci, ldc, mr, nr, tmp, overwrite);
            }
        } else {
            microKernel(kc, aBuf, (ip - inPlace) * kc * MR, 1, MR, bBuf, bi, c, ci, ldc, mr, nr, tmp, overwrite);
        }
    }

    /**
     * The register-blocked 8 x NR tile: {@code C[mr x nr] += A * Bpanel} over {@code kc} steps, where element
     * {@code (i, p)} of A is {@code ap[ai + i * rs + p * cs]} (a packed panel: rs = 1, cs = MR).
     */
    private static void microKernel(int kc, float[] ap, int ai, int rs, int cs, float[] bp, int bi,
                                    float[] c, int cI, int ldc, int mr, int nr, float[] tmp,
                                    boolean overwrite) {
        FloatVector z = FloatVector.broadcast(S, 0f);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kc; p++, ai += cs, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + rs]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2 * rs]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3 * rs]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4 * rs]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5 * rs]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, ap[ai + 6 * rs]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, ap[ai + 7 * rs]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        if (mr == MR && nr == NR) {
            if (overwrite) {
                z.add(c00).intoArray(c, cI);
                z.add(c01).intoArray(c, cI + L);
                z.add(c10).intoArray(c, cI + 1 * ldc);
                z.add(c11).intoArray(c, cI + 1 * ldc + L);
                z.add(c20).intoArray(c, cI + 2 * ldc);
                z.add(c21).intoArray(c, cI + 2 * ldc + L);
                z.add(c30).intoArray(c, cI + 3 * ldc);
                z.add(c31).intoArray(c, cI + 3 * ldc + L);
                z.add(c40).intoArray(c, cI + 4 * ldc);
                z.add(c41).intoArray(c, cI + 4 * ldc + L);
                z.add(c50).intoArray(c, cI + 5 * ldc);
                z.add(c51).intoArray(c, cI + 5 * ldc + L);
                z.add(c60).intoArray(c, cI + 6 * ldc);
                z.add(c61).intoArray(c, cI + 6 * ldc + L);
                z.add(c70).intoArray(c, cI + 7 * ldc);
                z.add(c71).intoArray(c, cI + 7 * ldc + L);
            } else {
                FloatVector.fromArray(S, c, cI).add(c00).intoArray(c, cI);
                FloatVector.fromArray(S, c, cI + L).add(c01).intoArray(c, cI + L);
                FloatVector.fromArray(S, c, cI + 1 * ldc).add(c10).intoArray(c, cI + 1 * ldc);
                FloatVector.fromArray(S, c, cI + 1 * ldc + L).add(c11).intoArray(c, cI + 1 * ldc + L);
                FloatVector.fromArray(S, c, cI + 2 * ldc).add(c20).intoArray(c, cI + 2 * ldc);
                FloatVector.fromArray(S, c, cI + 2 * ldc + L).add(c21).intoArray(c, cI + 2 * ldc + L);
                FloatVector.fromArray(S, c, cI + 3 * ldc).add(c30).intoArray(c, cI + 3 * ldc);
                FloatVector.fromArray(S, c, cI + 3 * ldc + L).add(c31).intoArray(c, cI + 3 * ldc + L);
                FloatVector.fromArray(S, c, cI + 4 * ldc).add(c40).intoArray(c, cI + 4 * ldc);
                FloatVector.fromArray(S, c, cI + 4 * ldc + L).add(c41).intoArray(c, cI + 4 * ldc + L);
                FloatVector.fromArray(S, c, cI + 5 * ldc).add(c50).intoArray(c, cI + 5 * ldc);
                FloatVector.fromArray(S, c, cI + 5 * ldc + L).add(c51).intoArray(c, cI + 5 * ldc + L);
                FloatVector.fromArray(S, c, cI + 6 * ldc).add(c60).intoArray(c, cI + 6 * ldc);
                FloatVector.fromArray(S, c, cI + 6 * ldc + L).add(c61).intoArray(c, cI + 6 * ldc + L);
                FloatVector.fromArray(S, c, cI + 7 * ldc).add(c70).intoArray(c, cI + 7 * ldc);
                FloatVector.fromArray(S, c, cI + 7 * ldc + L).add(c71).intoArray(c, cI + 7 * ldc + L);
            }
        } else {
            z.add(c00).intoArray(tmp, 0 * NR);
            z.add(c01).intoArray(tmp, 0 * NR + L);
            z.add(c10).intoArray(tmp, 1 * NR);
            z.add(c11).intoArray(tmp, 1 * NR + L);
            z.add(c20).intoArray(tmp, 2 * NR);
            z.add(c21).intoArray(tmp, 2 * NR + L);
            z.add(c30).intoArray(tmp, 3 * NR);
            z.add(c31).intoArray(tmp, 3 * NR + L);
            z.add(c40).intoArray(tmp, 4 * NR);
            z.add(c41).intoArray(tmp, 4 * NR + L);
            z.add(c50).intoArray(tmp, 5 * NR);
            z.add(c51).intoArray(tmp, 5 * NR + L);
            z.add(c60).intoArray(tmp, 6 * NR);
            z.add(c61).intoArray(tmp, 6 * NR + L);
            z.add(c70).intoArray(tmp, 7 * NR);
            z.add(c71).intoArray(tmp, 7 * NR + L);
            for (int i = 0; i < mr; i++) {
                int row = cI + i * ldc;
                for (int j = 0; j < nr; j++) {
                    c[row + j] = overwrite ? tmp[i * NR + j] : c[row + j] + tmp[i * NR + j];
                }
            }
        }
    }

    /** A fully packed B operand: slice {@code s} (rows {@code s*KC..}) starts at {@code panels * NR * s * KC}. */
    private static final class Packed implements PackedB {
        final float[] data;
        int k;
        int n;

        Packed(float[] data) {
            this.data = data;
        }

        @Override
        public int k() {
            return k;
        }

        @Override
        public int n() {
            return n;
        }
    }

    /** Per-thread packing buffers, grown on demand and then reused. */
    private static final class Scratch {
        private final float[] aBuf = new float[((MC + MR - 1) / MR) * MR * KC];
        final float[] tmp = new float[MR * NR];
        private float[] bBuf = new float[0];

        float[] a() {
            return aBuf;
        }

        float[] b(int size) {
            if (bBuf.length < size) {
                bBuf = new float[size];
            }
            return bBuf;
        }
    }
}
