package org.sparkgru.kernel;

import static org.sparkgru.kernel.Activations.flush;
import static org.sparkgru.kernel.Activations.sigmoid;
import static org.sparkgru.kernel.Activations.tanh;

/** Plain-Java {@link Gates}: the fallback when the Vector API module is absent, and the reference for the tails. */
public final class ScalarGates implements Gates {

    @Override
    public void forwardResetAfter(int rows, int h, float[] g, int gOff, float[] gh, float[] p, int bxOff, int bhOff,
                                  float[] hs, int hPrevOff, int hOutOff, float[] aux, int auxOff) {
        for (int b = 0; b < rows; b++) {
            stepResetAfter(h, 0, h, g, gOff + b * 3 * h, gh, b * 3 * h, p, bxOff, bhOff,
                    hs, hPrevOff + b * h, hOutOff + b * h, aux, auxOff + b * h);
        }
    }

    static void stepResetAfter(int h, int from, int to, float[] g, int gi, float[] gh, int ghi, float[] p,
                               int bx, int bh, float[] hs, int hp, int ho, float[] aux, int ai) {
        for (int j = from; j < to; j++) {
            float r = sigmoid(g[gi + j] + p[bx + j] + gh[ghi + j] + p[bh + j]);
            float z = sigmoid(g[gi + h + j] + p[bx + h + j] + gh[ghi + h + j] + p[bh + h + j]);
            float hn = gh[ghi + 2 * h + j] + p[bh + 2 * h + j];
            float n = tanh(g[gi + 2 * h + j] + p[bx + 2 * h + j] + r * hn);
            float prev = hs[hp + j];
            g[gi + j] = r;
            g[gi + h + j] = z;
            g[gi + 2 * h + j] = n;
            aux[ai + j] = hn;
            hs[ho + j] = prev + z * (n - prev);
        }
    }

    @Override
    public void forwardResetBeforeRZ(int rows, int h, float[] g, int gOff, float[] gh, float[] p, int bOff,
                                     float[] hs, int hPrevOff, float[] aux, int auxOff) {
        for (int b = 0; b < rows; b++) {
            stepResetBeforeRZ(h, 0, h, g, gOff + b * 3 * h, gh, b * 2 * h, p, bOff, hs, hPrevOff + b * h,
                    aux, auxOff + b * h);
        }
    }

    static void stepResetBeforeRZ(int h, int from, int to, float[] g, int gi, float[] gh, int ghi, float[] p,
                                  int bo, float[] hs, int hp, float[] aux, int ai) {
        for (int j = from; j < to; j++) {
            float r = sigmoid(g[gi + j] + p[bo + j] + gh[ghi + j]);
            float z = sigmoid(g[gi + h + j] + p[bo + h + j] + gh[ghi + h + j]);
            g[gi + j] = r;
            g[gi + h + j] = z;
            aux[ai + j] = r * hs[hp + j];
        }
    }

    @Override
    public void forwardResetBeforeN(int rows, int h, float[] g, int gOff, float[] ghn, float[] p, int bOff,
                                    float[] hs, int hPrevOff, int hOutOff) {
        for (int b = 0; b < rows; b++) {
            stepResetBeforeN(h, 0, h, g, gOff + b * 3 * h, ghn, b * h, p, bOff, hs, hPrevOff + b * h,
                    hOutOff + b * h);
        }
    }

    static void stepResetBeforeN(int h, int from, int to, float[] g, int gi, float[] ghn, int ghi, float[] p,
                                 int bo, float[] hs, int hp, int ho) {
        for (int j = from; j < to; j++) {
            float n = tanh(g[gi + 2 * h + j] + p[bo + 2 * h + j] + ghn[ghi + j]);
            float z = g[gi + h + j];
            float prev = hs[hp + j];
            g[gi + 2 * h + j] = n;
            hs[ho + j] = prev + z * (n - prev);
        }
    }

    @Override
    public void backwardResetAfter(int rows, int h, float[] g, int gOff, float[] aux, int auxOff, float[] hs,
                                   int hPrevOff, float[] dh, float[] dgh, int dghOff, float[] dhPrev) {
        for (int b = 0; b < rows; b++) {
            backResetAfter(h, 0, h, g, gOff + b * 3 * h, aux, auxOff + b * h, hs, hPrevOff + b * h,
                    dh, b * h, dgh, dghOff + b * 3 * h, dhPrev);
        }
    }

    static void backResetAfter(int h, int from, int to, float[] g, int gi, float[] aux, int ai, float[] hs, int hp,
                               float[] dh, int di, float[] dgh, int dgi, float[] dhPrev) {
        for (int j = from; j < to; j++) {
            float r = g[gi + j];
            float z = g[gi + h + j];
            float n = g[gi + 2 * h + j];
            float d = flush(dh[di + j]);
            float dan = flush(d * z * (1f - n * n));
            float daz = flush(d * (n - hs[hp + j]) * z * (1f - z));
            float dar = flush(dan * aux[ai + j] * r * (1f - r));
            g[gi + j] = dar;
            g[gi + h + j] = daz;
            g[gi + 2 * h + j] = dan;
            dgh[dgi + j] = dar;
            dgh[dgi + h + j] = daz;
            dgh[dgi + 2 * h + j] = flush(dan * r);
            dhPrev[di + j] = d * (1f - z);
        }
    }

    @Override
    public void backwardResetBeforeZN(int rows, int h, float[] g, int gOff, float[] hs, int hPrevOff,
                                      float[] dh, float[] dhPrev) {
        for (int b = 0; b < rows; b++) {
            backResetBeforeZN(h, 0, h, g, gOff + b * 3 * h, hs, hPrevOff + b * h, dh, b * h, dhPrev);
        }
    }

    static void backResetBeforeZN(int h, int from, int to, float[] g, int gi, float[] hs, int hp,
                                  float[] dh, int di, float[] dhPrev) {
        for (int j = from; j < to; j++) {
            float z = g[gi + h + j];
            float n = g[gi + 2 * h + j];
            float d = flush(dh[di + j]);
            g[gi + h + j] = flush(d * (n - hs[hp + j]) * z * (1f - z));
            g[gi + 2 * h + j] = flush(d * z * (1f - n * n));
            dhPrev[di + j] = d * (1f - z);
        }
    }

    @Override
    public void backwardResetBeforeR(int rows, int h, float[] g, int gOff, float[] hs, int hPrevOff,
                                     float[] drh, float[] dhPrev) {
        for (int b = 0; b < rows; b++) {
            backResetBeforeR(h, 0, h, g, gOff + b * 3 * h, hs, hPrevOff + b * h, drh, b * h, dhPrev);
        }
    }

    static void backResetBeforeR(int h, int from, int to, float[] g, int gi, float[] hs, int hp,
                                 float[] drh, int di, float[] dhPrev) {
        for (int j = from; j < to; j++) {
            float r = g[gi + j];
            float d = flush(drh[di + j]);
            dhPrev[di + j] += d * r;
            g[gi + j] = flush(d * hs[hp + j] * r * (1f - r));
        }
    }
}
