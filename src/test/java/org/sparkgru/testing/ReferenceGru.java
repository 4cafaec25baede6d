package org.sparkgru.testing;

import org.sparkgru.kernel.Loss;
import org.sparkgru.model.NetworkSpec;
import org.sparkgru.model.ParameterLayout;
import org.sparkgru.model.Variant;

/**
 * The slow, independent reference: the GRU equations of DEVELOPERS.md in double precision, one sample and one
 * scalar at a time, with a hand-written backward pass (checked against finite differences in ReferenceGruTest).
 * Shares only the parameter layout (offsets) with the production code.
 */
public final class ReferenceGru {
    private final NetworkSpec spec;
    private final ParameterLayout lay;
    private final double[] p;
    private final int h;
    private final boolean ra;

    public ReferenceGru(NetworkSpec spec, double[] params) {
        this.spec = spec;
        this.lay = new ParameterLayout(spec);
        this.p = params;
        this.h = spec.hidden();
        this.ra = spec.variant() == Variant.RESET_AFTER;
    }

    public static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private double w(int l, int k, int col) {
        return p[lay.wx(l) + k * 3 * h + col];
    }

    private double u(int l, int m, int col) {
        return p[lay.wh(l) + m * 3 * h + col];
    }

    private double bx(int l, int col) {
        return p[lay.bx(l) + col];
    }

    private double bh(int l, int col) {
        return ra ? p[lay.bh(l) + col] : 0;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Per-sample forward caches. */
    private final class Trace {
        final int steps;
        final double[][][] in;   // [layer][t][k]
        final double[][][] hs;   // [layer][t+1][j], hs[l][0] = 0
        final double[][][] r;
        final double[][][] z;
        final double[][][] n;
        final double[][][] hn;   // reset-after: U_n h + b_hn
        final double[][][] rh;   // reset-before: r * h_prev
        double[] y;

        Trace(int steps) {
            this.steps = steps;
            int layers = spec.layers();
            in = new double[layers][steps][];
            hs = new double[layers][steps + 1][h];
            r = new double[layers][steps][h];
            z = new double[layers][steps][h];
            n = new double[layers][steps][h];
            hn = new double[layers][steps][h];
            rh = new double[layers][steps][h];
        }
    }

    /** Embedding value {@code e} of row {@code row} of categorical input {@code k}. */
    private double embedding(int k, int row, int e) {
        return p[lay.embedding(k) + row * spec.embeddingDim() + e];
    }

    /** The window's inputs with the embedding rows of {@code cats} appended to every step. */
    private double[][] withEmbeddings(double[][] x, int[] cats) {
        if (cats.length == 0) {
            return x;
        }
        int dim = spec.embeddingDim();
        double[][] all = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            all[t] = java.util.Arrays.copyOf(x[t], x[t].length + cats.length * dim);
            for (int j = 0; j < cats.length; j++) {
                for (int e = 0; e < dim; e++) {
                    all[t][x[t].length + j * dim + e] = embedding(j, cats[j], e);
                }
            }
        }
        return all;
    }

    private Trace run(double[][] data, double[] context, int[] cats) {
        double[][] x = withEmbeddings(data, cats);
        Trace tr = new Trace(x.length);
        for (int l = 0; l < spec.layers(); l++) {
            for (int t = 0; t < x.length; t++) {
                double[] xi = l == 0 ? x[t] : tr.hs[l - 1][t + 1];
                tr.in[l][t] = xi;
                double[] hp = tr.hs[l][t];
                for (int j = 0; j < h; j++) {
                    double ar = bx(l, j) + bh(l, j);
                    double az = bx(l, h + j) + bh(l, h + j);
                    for (int k = 0; k < xi.length; k++) {
                        ar += w(l, k, j) * xi[k];
                        az += w(l, k, h + j) * xi[k];
                    }
                    for (int m = 0; m < h; m++) {
                        ar += u(l, m, j) * hp[m];
                        az += u(l, m, h + j) * hp[m];
                    }
                    tr.r[l][t][j] = sigmoid(ar);
                    tr.z[l][t][j] = sigmoid(az);
                }
                for (int j = 0; j < h; j++) {
                    double an = bx(l, 2 * h + j);
                    for (int k = 0; k < xi.length; k++) {
                        an += w(l, k, 2 * h + j) * xi[k];
                    }
                    if (ra) {
                        double hn = bh(l, 2 * h + j);
                        for (int m = 0; m < h; m++) {
                            hn += u(l, m, 2 * h + j) * hp[m];
                        }
                        tr.hn[l][t][j] = hn;
                        an += tr.r[l][t][j] * hn;
                    } else {
                        for (int m = 0; m < h; m++) {
                            an += u(l, m, 2 * h + j) * tr.r[l][t][m] * hp[m];
                        }
                    }
                    tr.n[l][t][j] = Math.tanh(an);
                    tr.hs[l][t + 1][j] = (1 - tr.z[l][t][j]) * hp[j] + tr.z[l][t][j] * tr.n[l][t][j];
                }
                for (int m = 0; m < h; m++) {
                    tr.rh[l][t][m] = tr.r[l][t][m] * hp[m];
                }
            }
        }
        int o = spec.outputs();
        double[] top = tr.hs[spec.layers() - 1][x.length];
        tr.y = new double[o];
        for (int k = 0; k < o; k++) {
            double v = p[lay.headB() + k];
            for (int j = 0; j < h; j++) {
                v += p[lay.headW() + j * o + k] * top[j];
            }
            for (int c = 0; c < spec.context(); c++) {
                v += p[lay.headW() + (h + c) * o + k] * context[c];
            }
            tr.y[k] = v;
        }
        return tr;
    }

    /** Head outputs for one window {@code x[t][i]}. */
    public double[] forward(double[][] x) {
        return forward(x, new double[0]);
    }

    /** Head outputs for one window and its head context {@code context[spec.context()]}. */
    public double[] forward(double[][] x, double[] context) {
        return forward(x, context, new int[0]);
    }

    /** As above, with the window's categorical inputs {@code cats[K]} (embedding rows). */
    public double[] forward(double[][] x, double[] context, int[] cats) {
        return run(x, context, cats).y;
    }

    private static double[][] none(int n) {
        return new double[n][0];
    }

    private static int[][] noCats(int n) {
        return new int[n][0];
    }

    /** Per-sample loss and its derivative w.r.t. the outputs, in double. */
    static double sampleLoss(Loss loss, double[] y, double[] target, double[] dy) {
        int o = y.length;
        if (loss.kind() == Loss.Kind.CROSS_ENTROPY) {
            int label = (int) target[0];
            double max = Double.NEGATIVE_INFINITY;
            for (double v : y) {
                max = Math.max(max, v);
            }
            double s = 0;
            for (double v : y) {
                s += Math.exp(v - max);
            }
            double logZ = max + Math.log(s);
            for (int k = 0; k < o; k++) {
                dy[k] = Math.exp(y[k] - logZ) - (k == label ? 1 : 0);
            }
            return logZ - y[label];
        }
        double sum = 0;
        double delta = loss.delta();
        float[] taus = loss.quantiles();
        if (taus.length > 0) {
            // the doubled pinball loss, written from its definition: 2 (τ (t - y)⁺ + (1 - τ) (y - t)⁺)
            for (int k = 0; k < o; k++) {
                double tau = taus[k % taus.length];
                double d = y[k] - target[k];
                sum += 2 * (tau * Math.max(-d, 0) + (1 - tau) * Math.max(d, 0));
                dy[k] = (d > 0 ? 2 * (1 - tau) : d < 0 ? -2 * tau : 0) / o;
            }
            return sum / o;
        }
        for (int k = 0; k < o; k++) {
            double d = y[k] - target[k];
            switch (loss.kind()) {
                case MSE -> {
                    sum += d * d;
                    dy[k] = 2 * d / o;
                }
                case MAE -> {
                    sum += Math.abs(d);
                    dy[k] = Math.signum(d) / o;
                }
                default -> {
                    if (Math.abs(d) <= delta) {
                        sum += 0.5 * d * d;
                        dy[k] = d / o;
                    } else {
                        sum += delta * (Math.abs(d) - 0.5 * delta);
                        dy[k] = delta * Math.signum(d) / o;
                    }
                }
            }
        }
        return sum / o;
    }

    /** Mean loss over a batch: {@code xs[b][t][i]}, targets {@code [b][outputs]} (or {@code [b][1]} labels). */
    public double loss(double[][][] xs, double[][] targets, Loss loss) {
        return loss(xs, none(xs.length), targets, loss);
    }

    /** As above, with each window's head context {@code contexts[b]}. */
    public double loss(double[][][] xs, double[][] contexts, double[][] targets, Loss loss) {
        return loss(xs, contexts, noCats(xs.length), targets, loss);
    }

    /** As above, with each window's categorical inputs {@code cats[b]}. */
    public double loss(double[][][] xs, double[][] contexts, int[][] cats, double[][] targets, Loss loss) {
        double s = 0;
        double[] dy = new double[spec.outputs()];
        for (int b = 0; b < xs.length; b++) {
            s += sampleLoss(loss, run(xs[b], contexts[b], cats[b]).y, targets[b], dy);
        }
        return s / xs.length;
    }

    /** Gradient of {@link #loss} w.r.t. every parameter (same layout), by hand-written BPTT. */
    public double[] gradient(double[][][] xs, double[][] targets, Loss loss) {
        return gradient(xs, none(xs.length), targets, loss);
    }

    /** As above, with each window's head context {@code contexts[b]}. */
    public double[] gradient(double[][][] xs, double[][] contexts, double[][] targets, Loss loss) {
        return gradient(xs, contexts, noCats(xs.length), targets, loss);
    }

    /** As above, with each window's categorical inputs {@code cats[b]}. */
    public double[] gradient(double[][][] xs, double[][] contexts, int[][] cats, double[][] targets, Loss loss) {
        double[] g = new double[p.length];
        int o = spec.outputs();
        int dim = spec.embeddingDim();
        for (int b = 0; b < xs.length; b++) {
            Trace tr = run(xs[b], contexts[b], cats[b]);
            double[] dy = new double[o];
            sampleLoss(loss, tr.y, targets[b], dy);
            int top = spec.layers() - 1;
            int steps = tr.steps;
            double[] hT = tr.hs[top][steps];
            double[][] dOut = new double[steps][h];
            for (int k = 0; k < o; k++) {
                g[lay.headB() + k] += dy[k] / xs.length;
                for (int j = 0; j < h; j++) {
                    g[lay.headW() + j * o + k] += hT[j] * dy[k] / xs.length;
                    dOut[steps - 1][j] += p[lay.headW() + j * o + k] * dy[k];
                }
                for (int c = 0; c < spec.context(); c++) {
                    g[lay.headW() + (h + c) * o + k] += contexts[b][c] * dy[k] / xs.length;
                }
            }
            for (int l = top; l >= 0; l--) {
                dOut = backLayer(tr, l, dOut, g, 1.0 / xs.length);
            }
            // dOut is now the gradient of layer 0's inputs: the embedded columns' sum over steps trains the rows
            int first = spec.inputSize() - spec.embedded();
            for (int t = 0; t < steps; t++) {
                for (int j = 0; j < cats[b].length; j++) {
                    for (int e = 0; e < dim; e++) {
                        g[lay.embedding(j) + cats[b][j] * dim + e] += dOut[t][first + j * dim + e] / xs.length;
                    }
                }
            }
        }
        return g;
    }

    /** Backward through layer l given dL/d(outputs) per step; returns dL/d(inputs) per step. */
    private double[][] backLayer(Trace tr, int l, double[][] dOut, double[] g, double scale) {
        int steps = tr.steps;
        int inW = tr.in[l][0].length;
        double[][] dIn = new double[steps][inW];
        double[] dNext = new double[h];
        for (int t = steps - 1; t >= 0; t--) {
            double[] hp = tr.hs[l][t];
            double[] dh = new double[h];
            for (int j = 0; j < h; j++) {
                dh[j] = dNext[j] + dOut[t][j];
            }
            double[] dar = new double[h];
            double[] daz = new double[h];
            double[] dan = new double[h];
            double[] dhp = new double[h];
            for (int j = 0; j < h; j++) {
                double z = tr.z[l][t][j];
                double n = tr.n[l][t][j];
                dan[j] = dh[j] * z * (1 - n * n);
                daz[j] = dh[j] * (n - hp[j]) * z * (1 - z);
                dhp[j] = dh[j] * (1 - z);
            }
            double[] dGhN = new double[h]; // gradient w.r.t. the recurrent candidate input (ra: U_n h + b_hn)
            if (ra) {
                for (int j = 0; j < h; j++) {
                    double r = tr.r[l][t][j];
                    dar[j] = dan[j] * tr.hn[l][t][j] * r * (1 - r);
                    dGhN[j] = dan[j] * r;
                }
                for (int m = 0; m < h; m++) {
                    for (int j = 0; j < h; j++) {
                        g[lay.wh(l) + m * 3 * h + 2 * h + j] += scale * hp[m] * dGhN[j];
                        dhp[m] += u(l, m, 2 * h + j) * dGhN[j];
                    }
                }
                for (int j = 0; j < h; j++) {
                    g[lay.bh(l) + j] += scale * dar[j];
                    g[lay.bh(l) + h + j] += scale * daz[j];
                    g[lay.bh(l) + 2 * h + j] += scale * dGhN[j];
                }
            } else {
                double[] drh = new double[h];
                for (int m = 0; m < h; m++) {
                    for (int j = 0; j < h; j++) {
                        drh[m] += u(l, m, 2 * h + j) * dan[j];
                        g[lay.wh(l) + m * 3 * h + 2 * h + j] += scale * tr.rh[l][t][m] * dan[j];
                    }
                }
                for (int m = 0; m < h; m++) {
                    double r = tr.r[l][t][m];
                    dhp[m] += drh[m] * r;
                    dar[m] = drh[m] * hp[m] * r * (1 - r);
                }
            }
            for (int m = 0; m < h; m++) {
                for (int j = 0; j < h; j++) {
                    g[lay.wh(l) + m * 3 * h + j] += scale * hp[m] * dar[j];
                    g[lay.wh(l) + m * 3 * h + h + j] += scale * hp[m] * daz[j];
                    dhp[m] += u(l, m, j) * dar[j] + u(l, m, h + j) * daz[j];
                }
            }
            double[] x = tr.in[l][t];
            for (int j = 0; j < h; j++) {
                g[lay.bx(l) + j] += scale * dar[j];
                g[lay.bx(l) + h + j] += scale * daz[j];
                g[lay.bx(l) + 2 * h + j] += scale * dan[j];
                for (int k = 0; k < inW; k++) {
                    g[lay.wx(l) + k * 3 * h + j] += scale * x[k] * dar[j];
                    g[lay.wx(l) + k * 3 * h + h + j] += scale * x[k] * daz[j];
                    g[lay.wx(l) + k * 3 * h + 2 * h + j] += scale * x[k] * dan[j];
                    dIn[t][k] += w(l, k, j) * dar[j] + w(l, k, h + j) * daz[j] + w(l, k, 2 * h + j) * dan[j];
                }
            }
            dNext = dhp;
        }
        return dIn;
    }
}
