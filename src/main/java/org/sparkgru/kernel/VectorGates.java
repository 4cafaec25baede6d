package org.sparkgru.kernel;

import static org.sparkgru.kernel.Activations.A1;
import static org.sparkgru.kernel.Activations.A11;
import static org.sparkgru.kernel.Activations.A13;
import static org.sparkgru.kernel.Activations.A3;
import static org.sparkgru.kernel.Activations.A5;
import static org.sparkgru.kernel.Activations.A7;
import static org.sparkgru.kernel.Activations.A9;
import static org.sparkgru.kernel.Activations.B0;
import static org.sparkgru.kernel.Activations.B2;
import static org.sparkgru.kernel.Activations.B4;
import static org.sparkgru.kernel.Activations.B6;
import static org.sparkgru.kernel.Activations.CLAMP;
import static org.sparkgru.kernel.Activations.FLUSH_BELOW;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gates} on the Java Vector API: the formulas of {@link ScalarGates}, a vector of hidden units at a time,
 * with the rational {@link Activations#tanh} evaluated as fused multiply-adds and one division.
 *
 * <p>Every step works row by row (one batch row's {@code 3H} gate values stay in L1) in short passes: bias and
 * recurrent sums, activation in place, state update. The structure is dictated by C2: it stops inlining once a
 * compilation unit passes a node budget, each activation expands to thousands of nodes before the Vector API
 * intrinsics collapse them, and a vector value passed to or returned from a method that was not inlined is boxed
 * on the heap (measured: 3x slower steps and megabytes of garbage per step). So no method here takes or returns a
 * vector: every helper has array-and-int arguments, and each contains at most one activation, so whatever C2
 * decides to inline, vectors never cross a call. The training benchmark reports heap bytes per step, which stays 0.
 */
public final class VectorGates implements Gates {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public void forwardResetAfter(int rows, int h, float[] g, int gOff, float[] gh, float[] p, int bxOff, int bhOff,
                                  float[] hs, int hPrevOff, int hOutOff, float[] aux, int auxOff) {
        for (int b = 0; b < rows; b++) {
            int gi = gOff + b * 3 * h;
            int ghi = b * 3 * h;
            addSums(g, gi, gh, ghi, p, bxOff, bhOff, 2 * h);
            sigmoidInPlace(g, gi, 2 * h);
            resetAfterPreCandidate(g, gi, gh, ghi, p, bxOff, bhOff, aux, auxOff + b * h, h);
            tanhInPlace(g, gi + 2 * h, h);
            update(g, gi, h, hs, hPrevOff + b * h, hOutOff + b * h);
        }
    }

    @Override
    public void forwardResetBeforeRZ(int rows, int h, float[] g, int gOff, float[] gh, float[] p, int bOff,
                                     float[] hs, int hPrevOff, float[] aux, int auxOff) {
        for (int b = 0; b < rows; b++) {
            int gi = gOff + b * 3 * h;
            addSums(g, gi, gh, b * 2 * h, p, bOff, -1, 2 * h);
            sigmoidInPlace(g, gi, 2 * h);
            multiply(g, gi, hs, hPrevOff + b * h, aux, auxOff + b * h, h);
        }
    }

    @Override
    public void forwardResetBeforeN(int rows, int h, float[] g, int gOff, float[] ghn, float[] p, int bOff,
                                    float[] hs, int hPrevOff, int hOutOff) {
        for (int b = 0; b < rows; b++) {
            int gi = gOff + b * 3 * h;
            addSums(g, gi + 2 * h, ghn, b * h, p, bOff + 2 * h, -1, h);
            tanhInPlace(g, gi + 2 * h, h);
            update(g, gi, h, hs, hPrevOff + b * h, hOutOff + b * h);
        }
    }

    /** {@code g[gi + j] += p[b1 + j] + s[si + j] (+ p[b2 + j] when b2 >= 0)} for {@code j < n}. */
    private static void addSums(float[] g, int gi, float[] s, int si, float[] p, int b1, int b2, int n) {
        int bound = S.loopBound(n);
        int j = 0;
        if (b2 >= 0) {
            for (; j < bound; j += L) {
                FloatVector.fromArray(S, g, gi + j).add(FloatVector.fromArray(S, p, b1 + j))
                        .add(FloatVector.fromArray(S, s, si + j)).add(FloatVector.fromArray(S, p, b2 + j))
                        .intoArray(g, gi + j);
            }
            for (; j < n; j++) {
                g[gi + j] = g[gi + j] + p[b1 + j] + s[si + j] + p[b2 + j];
            }
        } else {
            for (; j < bound; j += L) {
                FloatVector.fromArray(S, g, gi + j).add(FloatVector.fromArray(S, p, b1 + j))
                        .add(FloatVector.fromArray(S, s, si + j)).intoArray(g, gi + j);
            }
            for (; j < n; j++) {
                g[gi + j] = g[gi + j] + p[b1 + j] + s[si + j];
            }
        }
    }

    /** Reset-after: {@code hn = gh_n + b_hn} into aux, {@code g_n += b_xn + r hn} (the candidate's argument). */
    private static void resetAfterPreCandidate(float[] g, int gi, float[] gh, int ghi, float[] p, int bxOff, int bhOff,
                                               float[] aux, int ai, int h) {
        int bound = S.loopBound(h);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector hn = FloatVector.fromArray(S, gh, ghi + 2 * h + j).add(FloatVector.fromArray(S, p, bhOff + 2 * h + j));
            hn.intoArray(aux, ai + j);
            FloatVector.fromArray(S, g, gi + j).fma(hn, FloatVector.fromArray(S, g, gi + 2 * h + j)
                    .add(FloatVector.fromArray(S, p, bxOff + 2 * h + j))).intoArray(g, gi + 2 * h + j);
        }
        for (; j < h; j++) {
            float hn = gh[ghi + 2 * h + j] + p[bhOff + 2 * h + j];
            aux[ai + j] = hn;
            g[gi + 2 * h + j] = g[gi + 2 * h + j] + p[bxOff + 2 * h + j] + g[gi + j] * hn;
        }
    }

    /** {@code hs[ho + j] = hp + z (n - hp)} from z and n in the gate row. */
    private static void update(float[] g, int gi, int h, float[] hs, int hp, int ho) {
        int bound = S.loopBound(h);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector prev = FloatVector.fromArray(S, hs, hp + j);
            FloatVector.fromArray(S, g, gi + h + j).fma(FloatVector.fromArray(S, g, gi + 2 * h + j).sub(prev), prev)
                    .intoArray(hs, ho + j);
        }
        for (; j < h; j++) {
            float prev = hs[hp + j];
            hs[ho + j] = prev + g[gi + h + j] * (g[gi + 2 * h + j] - prev);
        }
    }

    /** {@code out[oi + j] = a[ai + j] * b[bi + j]}. */
    private static void multiply(float[] a, int ai, float[] b, int bi, float[] out, int oi, int n) {
        int bound = S.loopBound(n);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector.fromArray(S, a, ai + j).mul(FloatVector.fromArray(S, b, bi + j)).intoArray(out, oi + j);
        }
        for (; j < n; j++) {
            out[oi + j] = a[ai + j] * b[bi + j];
        }
    }

    /** {@code a[from .. from + n) := sigmoid(...)}, as {@code 0.5 + 0.5 tanh(x / 2)}. */
    static void sigmoidInPlace(float[] a, int from, int n) {
        int bound = S.loopBound(n);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector x = FloatVector.fromArray(S, a, from + j).mul(0.5f).max(-CLAMP).min(CLAMP);
            FloatVector x2 = x.mul(x);
            FloatVector num = x2.fma(A13, A11).fma(x2, FloatVector.broadcast(S, A9)).fma(x2, FloatVector.broadcast(S, A7))
                    .fma(x2, FloatVector.broadcast(S, A5)).fma(x2, FloatVector.broadcast(S, A3))
                    .fma(x2, FloatVector.broadcast(S, A1)).mul(x);
            FloatVector den = x2.fma(B6, B4).fma(x2, FloatVector.broadcast(S, B2)).fma(x2, FloatVector.broadcast(S, B0));
            num.div(den).fma(0.5f, 0.5f).intoArray(a, from + j);
        }
        for (; j < n; j++) {
            a[from + j] = Activations.sigmoid(a[from + j]);
        }
    }

    /** {@code a[from .. from + n) := tanh(...)}. */
    static void tanhInPlace(float[] a, int from, int n) {
        int bound = S.loopBound(n);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector x = FloatVector.fromArray(S, a, from + j).max(-CLAMP).min(CLAMP);
            FloatVector x2 = x.mul(x);
            FloatVector num = x2.fma(A13, A11).fma(x2, FloatVector.broadcast(S, A9)).fma(x2, FloatVector.broadcast(S, A7))
                    .fma(x2, FloatVector.broadcast(S, A5)).fma(x2, FloatVector.broadcast(S, A3))
                    .fma(x2, FloatVector.broadcast(S, A1)).mul(x);
            FloatVector den = x2.fma(B6, B4).fma(x2, FloatVector.broadcast(S, B2)).fma(x2, FloatVector.broadcast(S, B0));
            num.div(den).intoArray(a, from + j);
        }
        for (; j < n; j++) {
            a[from + j] = Activations.tanh(a[from + j]);
        }
    }

    @Override
    public void backwardResetAfter(int rows, int h, float[] g, int gOff, float[] aux, int auxOff, float[] hs,
                                   int hPrevOff, float[] dh, float[] dgh, int dghOff, float[] dhPrev) {
        int bound = S.loopBound(h);
        FloatVector zero = FloatVector.broadcast(S, 0f);
        for (int b = 0; b < rows; b++) {
            int gi = gOff + b * 3 * h;
            int ai = auxOff + b * h;
            int hp = hPrevOff + b * h;
            int di = b * h;
            int dgi = dghOff + b * 3 * h;
            for (int j = 0; j < bound; j += L) {
                FloatVector r = FloatVector.fromArray(S, g, gi + j);
                FloatVector z = FloatVector.fromArray(S, g, gi + h + j);
                FloatVector n = FloatVector.fromArray(S, g, gi + 2 * h + j);
                FloatVector d = FloatVector.fromArray(S, dh, di + j);
                d = d.blend(zero, d.abs().lt(FLUSH_BELOW));
                FloatVector dz = d.mul(z);
                FloatVector dan = dz.sub(dz.mul(n).mul(n));
                dan = dan.blend(zero, dan.abs().lt(FLUSH_BELOW));
                FloatVector daz = dz.mul(n.sub(FloatVector.fromArray(S, hs, hp + j))).mul(z.neg().add(1f));
                daz = daz.blend(zero, daz.abs().lt(FLUSH_BELOW));
                FloatVector dar = dan.mul(FloatVector.fromArray(S, aux, ai + j)).mul(r.sub(r.mul(r)));
                dar = dar.blend(zero, dar.abs().lt(FLUSH_BELOW));
                FloatVector dgn = dan.mul(r);
                dgn = dgn.blend(zero, dgn.abs().lt(FLUSH_BELOW));
                dar.intoArray(g, gi + j);
                daz.intoArray(g, gi + h + j);
                dan.intoArray(g, gi + 2 * h + j);
                dar.intoArray(dgh, dgi + j);
                daz.intoArray(dgh, dgi + h + j);
                dgn.intoArray(dgh, dgi + 2 * h + j);
                d.sub(dz).intoArray(dhPrev, di + j);
            }
            ScalarGates.backResetAfter(h, bound, h, g, gi, aux, ai, hs, hp, dh, di, dgh, dgi, dhPrev);
        }
    }

    @Override
    public void backwardResetBeforeZN(int rows, int h, float[] g, int gOff, float[] hs, int hPrevOff,
                                      float[] dh, float[] dhPrev) {
        int bound = S.loopBound(h);
        FloatVector zero = FloatVector.broadcast(S, 0f);
        for (int b = 0; b < rows; b++) {
            int gi = gOff + b * 3 * h;
            int hp = hPrevOff + b * h;
            int di = b * h;
            for (int j = 0; j < bound; j += L) {
                FloatVector z = FloatVector.fromArray(S, g, gi + h + j);
                FloatVector n = FloatVector.fromArray(S, g, gi + 2 * h + j);
                FloatVector d = FloatVector.fromArray(S, dh, di + j);
                d = d.blend(zero, d.abs().lt(FLUSH_BELOW));
                FloatVector dz = d.mul(z);
                FloatVector daz = dz.mul(n.sub(FloatVector.fromArray(S, hs, hp + j))).mul(z.neg().add(1f));
                daz.blend(zero, daz.abs().lt(FLUSH_BELOW)).intoArray(g, gi + h + j);
                FloatVector dan = dz.sub(dz.mul(n).mul(n));
                dan.blend(zero, dan.abs().lt(FLUSH_BELOW)).intoArray(g, gi + 2 * h + j);
                d.sub(dz).intoArray(dhPrev, di + j);
            }
            ScalarGates.backResetBeforeZN(h, bound, h, g, gi, hs, hp, dh, di, dhPrev);
        }
    }

    @Override
    public void backwardResetBeforeR(int rows, int h, float[] g, int gOff, float[] hs, int hPrevOff,
                                     float[] drh, float[] dhPrev) {
        int bound = S.loopBound(h);
        FloatVector zero = FloatVector.broadcast(S, 0f);
        for (int b = 0; b < rows; b++) {
            int gi = gOff + b * 3 * h;
            int hp = hPrevOff + b * h;
            int di = b * h;
            for (int j = 0; j < bound; j += L) {
                FloatVector r = FloatVector.fromArray(S, g, gi + j);
                FloatVector d = FloatVector.fromArray(S, drh, di + j);
                d = d.blend(zero, d.abs().lt(FLUSH_BELOW));
                d.fma(r, FloatVector.fromArray(S, dhPrev, di + j)).intoArray(dhPrev, di + j);
                FloatVector dar = d.mul(FloatVector.fromArray(S, hs, hp + j)).mul(r.sub(r.mul(r)));
                dar.blend(zero, dar.abs().lt(FLUSH_BELOW)).intoArray(g, gi + j);
            }
            ScalarGates.backResetBeforeR(h, bound, h, g, gi, hs, hp, drh, di, dhPrev);
        }
    }
}
