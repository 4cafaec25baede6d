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
 * {@link Gates} on the Java Vector API: the same formulas as {@link ScalarGates}, a vector of hidden units at a
 * time, with the rational {@link Activations#tanh} evaluated as fused multiply-adds. Columns past the last full
 * vector are finished by the scalar code.
 */
public final class VectorGates implements Gates {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static FloatVector tanh(FloatVector v) {
        FloatVector x = v.max(-CLAMP).min(CLAMP);
        FloatVector x2 = x.mul(x);
        FloatVector p = x2.fma(A13, A11);
        p = x2.fma(p, FloatVector.broadcast(S, A9));
        p = x2.fma(p, FloatVector.broadcast(S, A7));
        p = x2.fma(p, FloatVector.broadcast(S, A5));
        p = x2.fma(p, FloatVector.broadcast(S, A3));
        p = x2.fma(p, FloatVector.broadcast(S, A1));
        p = x.mul(p);
        FloatVector q = x2.fma(B6, B4);
        q = x2.fma(q, FloatVector.broadcast(S, B2));
        q = x2.fma(q, FloatVector.broadcast(S, B0));
        return p.div(q);
    }

    static FloatVector sigmoid(FloatVector v) {
        return tanh(v.mul(0.5f)).fma(0.5f, 0.5f);
    }

    /** Flush-to-zero of tiny gradients, see {@link Activations#FLUSH_BELOW}. */
    static FloatVector flush(FloatVector v) {
        return v.blend(FloatVector.zero(S), v.abs().lt(FLUSH_BELOW));
    }

    private static FloatVector load(float[] a, int i) {
        return FloatVector.fromArray(S, a, i);
    }

    @Override
    public void forwardResetAfter(int rows, int h, float[] g, int gOff, float[] gh, float[] p, int bxOff, int bhOff,
                                  float[] hs, int hPrevOff, int hOutOff, float[] aux, int auxOff) {
        int bound = S.loopBound(h);
        for (int b = 0; b < rows; b++) {
            int gi = gOff + b * 3 * h;
            int ghi = b * 3 * h;
            int hp = hPrevOff + b * h;
            int ho = hOutOff + b * h;
            int ai = auxOff + b * h;
            for (int j = 0; j < bound; j += L) {
                FloatVector r = sigmoid(load(g, gi + j).add(load(p, bxOff + j))
                        .add(load(gh, ghi + j)).add(load(p, bhOff + j)));
                FloatVector z = sigmoid(load(g, gi + h + j).add(load(p, bxOff + h + j))
                        .add(load(gh, ghi + h + j)).add(load(p, bhOff + h + j)));
                FloatVector hn = load(gh, ghi + 2 * h + j).add(load(p, bhOff + 2 * h + j));
                FloatVector n = tanh(r.fma(hn, load(g, gi + 2 * h + j).add(load(p, bxOff + 2 * h + j))));
                FloatVector prev = load(hs, hp + j);
                r.intoArray(g, gi + j);
                z.intoArray(g, gi + h + j);
                n.intoArray(g, gi + 2 * h + j);
                hn.intoArray(aux, ai + j);
                z.fma(n.sub(prev), prev).intoArray(hs, ho + j);
            }
            ScalarGates.stepResetAfter(h, bound, h, g, gi, gh, ghi, p, bxOff, bhOff, hs, hp, ho, aux, ai);
        }
    }

    @Override
    public void forwardResetBeforeRZ(int rows, int h, float[] g, int gOff, float[] gh, float[] p, int bOff,
                                     float[] hs, int hPrevOff, float[] aux, int auxOff) {
        int bound = S.loopBound(h);
        for (int b = 0; b < rows; b++) {
            int gi = gOff + b * 3 * h;
            int ghi = b * 2 * h;
            int hp = hPrevOff + b * h;
            int ai = auxOff + b * h;
            for (int j = 0; j < bound; j += L) {
                FloatVector r = sigmoid(load(g, gi + j).add(load(p, bOff + j)).add(load(gh, ghi + j)));
                FloatVector z = sigmoid(load(g, gi + h + j).add(load(p, bOff + h + j)).add(load(gh, ghi + h + j)));
                r.intoArray(g, gi + j);
                z.intoArray(g, gi + h + j);
                r.mul(load(hs, hp + j)).intoArray(aux, ai + j);
            }
            ScalarGates.stepResetBeforeRZ(h, bound, h, g, gi, gh, ghi, p, bOff, hs, hp, aux, ai);
        }
    }

    @Override
    public void forwardResetBeforeN(int rows, int h, float[] g, int gOff, float[] ghn, float[] p, int bOff,
                                    float[] hs, int hPrevOff, int hOutOff) {
        int bound = S.loopBound(h);
        for (int b = 0; b < rows; b++) {
            int gi = gOff + b * 3 * h;
            int ghi = b * h;
            int hp = hPrevOff + b * h;
            int ho = hOutOff + b * h;
            for (int j = 0; j < bound; j += L) {
                FloatVector n = tanh(load(g, gi + 2 * h + j).add(load(p, bOff + 2 * h + j)).add(load(ghn, ghi + j)));
                FloatVector z = load(g, gi + h + j);
                FloatVector prev = load(hs, hp + j);
                n.intoArray(g, gi + 2 * h + j);
                z.fma(n.sub(prev), prev).intoArray(hs, ho + j);
            }
            ScalarGates.stepResetBeforeN(h, bound, h, g, gi, ghn, ghi, p, bOff, hs, hp, ho);
        }
    }

    @Override
    public void backwardResetAfter(int rows, int h, float[] g, int gOff, float[] aux, int auxOff, float[] hs,
                                   int hPrevOff, float[] dh, float[] dgh, int dghOff, float[] dhPrev) {
        int bound = S.loopBound(h);
        for (int b = 0; b < rows; b++) {
            int gi = gOff + b * 3 * h;
            int ai = auxOff + b * h;
            int hp = hPrevOff + b * h;
            int di = b * h;
            int dgi = dghOff + b * 3 * h;
            for (int j = 0; j < bound; j += L) {
                FloatVector r = load(g, gi + j);
                FloatVector z = load(g, gi + h + j);
                FloatVector n = load(g, gi + 2 * h + j);
                FloatVector d = flush(load(dh, di + j));
                FloatVector dz = d.mul(z);
                FloatVector dan = flush(dz.sub(dz.mul(n).mul(n)));
                FloatVector daz = flush(dz.mul(n.sub(load(hs, hp + j))).mul(z.neg().add(1f)));
                FloatVector dar = flush(dan.mul(load(aux, ai + j)).mul(r.sub(r.mul(r))));
                dar.intoArray(g, gi + j);
                daz.intoArray(g, gi + h + j);
                dan.intoArray(g, gi + 2 * h + j);
                dar.intoArray(dgh, dgi + j);
                daz.intoArray(dgh, dgi + h + j);
                flush(dan.mul(r)).intoArray(dgh, dgi + 2 * h + j);
                d.sub(dz).intoArray(dhPrev, di + j);
            }
            ScalarGates.backResetAfter(h, bound, h, g, gi, aux, ai, hs, hp, dh, di, dgh, dgi, dhPrev);
        }
    }

    @Override
    public void backwardResetBeforeZN(int rows, int h, float[] g, int gOff, float[] hs, int hPrevOff,
                                      float[] dh, float[] dhPrev) {
        int bound = S.loopBound(h);
        for (int b = 0; b < rows; b++) {
            int gi = gOff + b * 3 * h;
            int hp = hPrevOff + b * h;
            int di = b * h;
            for (int j = 0; j < bound; j += L) {
                FloatVector z = load(g, gi + h + j);
                FloatVector n = load(g, gi + 2 * h + j);
                FloatVector d = flush(load(dh, di + j));
                FloatVector dz = d.mul(z);
                flush(dz.mul(n.sub(load(hs, hp + j))).mul(z.neg().add(1f))).intoArray(g, gi + h + j);
                flush(dz.sub(dz.mul(n).mul(n))).intoArray(g, gi + 2 * h + j);
                d.sub(dz).intoArray(dhPrev, di + j);
            }
            ScalarGates.backResetBeforeZN(h, bound, h, g, gi, hs, hp, dh, di, dhPrev);
        }
    }

    @Override
    public void backwardResetBeforeR(int rows, int h, float[] g, int gOff, float[] hs, int hPrevOff,
                                     float[] drh, float[] dhPrev) {
        int bound = S.loopBound(h);
        for (int b = 0; b < rows; b++) {
            int gi = gOff + b * 3 * h;
            int hp = hPrevOff + b * h;
            int di = b * h;
            for (int j = 0; j < bound; j += L) {
                FloatVector r = load(g, gi + j);
                FloatVector d = flush(load(drh, di + j));
                d.fma(r, load(dhPrev, di + j)).intoArray(dhPrev, di + j);
                flush(d.mul(load(hs, hp + j)).mul(r.sub(r.mul(r)))).intoArray(g, gi + j);
            }
            ScalarGates.backResetBeforeR(h, bound, h, g, gi, hs, hp, drh, di, dhPrev);
        }
    }
}
