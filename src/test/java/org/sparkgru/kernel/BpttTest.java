package org.sparkgru.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkgru.model.NetworkSpec;
import org.sparkgru.model.ParameterLayout;
import org.sparkgru.model.Variant;
import org.sparkgru.testing.Fixtures;
import org.sparkgru.testing.ReferenceGru;

/**
 * The fast kernel against the double-precision reference, on random shapes including odd ones (H = 1, 7, 33;
 * B = 1), for both GEMM backends, both variants and every loss.
 *
 * <p>Tolerances: float32 has a unit roundoff of 6e-8. Every value is a chain of dot products of length at most
 * {@code 3H + I <= 110}, repeated over at most 9 steps and 2 layers, plus the rational tanh (a few ulps). A
 * first-order error bound is therefore a few 1e-5 relative to the magnitudes involved. We require, per parameter
 * block, {@code |fast - ref| <= 2e-4 * max|ref over the block| + 1e-3 * |ref|}, and for outputs and losses
 * {@code 2e-5} relative: comfortably above float rounding, far below what any wrong term (a missing gate, a swapped
 * transpose, a wrong step) produces, which is of the order of the values themselves.
 */
class BpttTest {

    static Stream<Arguments> shapes() {
        Stream.Builder<Arguments> b = Stream.builder();
        int[][] shapes = { // batch, window, input, hidden, layers
                {1, 1, 1, 1, 1}, {1, 5, 3, 7, 2}, {3, 4, 2, 33, 1}, {5, 3, 4, 16, 2}, {7, 6, 5, 33, 2},
                {2, 9, 1, 1, 2}, {4, 2, 6, 40, 1}, {9, 3, 3, 7, 1}};
        for (String backend : new String[] {"vector", "javablas"}) {
            for (Variant v : Variant.values()) {
                for (int i = 0; i < shapes.length; i++) {
                    Loss.Kind kind = Loss.Kind.values()[i % 4];
                    b.add(Arguments.of(backend, v, shapes[i], kind, false, 0, 0));
                }
                b.add(Arguments.of(backend, v, shapes[1], Loss.Kind.MAE, true, 0, 0));
                b.add(Arguments.of(backend, v, shapes[4], Loss.Kind.MAE, true, 0, 0));
                b.add(Arguments.of(backend, v, shapes[3], Loss.Kind.MSE, false, 6, 0));
                b.add(Arguments.of(backend, v, shapes[4], Loss.Kind.MAE, true, 6, 0));
                b.add(Arguments.of(backend, v, shapes[4], Loss.Kind.MSE, false, 6, 5));
                b.add(Arguments.of(backend, v, shapes[7], Loss.Kind.MAE, true, 0, 3));
            }
        }
        return b.build();
    }

    /**
     * {@code pinball}: quantiles 0.1, 0.5, 0.9 of 3 steps (9 outputs); {@code context}: head inputs beside h_T;
     * {@code embedded}: that many values per embedding row of three categorical inputs of 4, 1 and 6 rows, appended to
     * the {@code s[2]} inputs of every step (a batch of 9 draws some rows several times, whose gradients must
     * accumulate over samples and steps).
     */
    @ParameterizedTest(name = "{0} {1} {2} {3} pinball={4} context={5} embedded={6}")
    @MethodSource("shapes")
    void matchesReference(String backend, Variant variant, int[] s, Loss.Kind kind, boolean pinball, int context,
                          int embedded) {
        int batch = s[0];
        int window = s[1];
        Loss loss = pinball ? new Loss(kind, 0.5, new float[] {0.1f, 0.5f, 0.9f}) : new Loss(kind, 0.5);
        NetworkSpec spec = kind == Loss.Kind.CROSS_ENTROPY
                ? NetworkSpec.classification(s[2], s[3], s[4], variant, 4)
                : NetworkSpec.regression(s[2] + 3 * embedded, s[3], s[4], variant, 3, pinball ? 3 : 2, context,
                        embedded > 0 ? java.util.List.of(4, 1, 6) : java.util.List.of(), embedded);
        Random rnd = new Random(s[3] * 31L + s[0]);
        float[] p = Fixtures.randomParams(spec, 11, 0.5);
        double[][][] xs = Fixtures.inputs(rnd, batch, window, s[2]);
        double[][] cs = Fixtures.contexts(rnd, batch, context);
        int[][] cats = Fixtures.categories(rnd, batch, spec.vocabularies());
        double[][] ys = Fixtures.targets(rnd, spec, batch, loss);
        ReferenceGru ref = new ReferenceGru(spec, ReferenceGru.toDouble(p));

        // a workspace larger than the batch: calls with a smaller batch must work
        Bptt k = new Bptt(spec, KernelBackend.named(backend), batch + 2, window);
        Fixtures.load(k, xs, ys);
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < context; c++) {
                k.context()[b * context + c] = (float) cs[b][c];
            }
            System.arraycopy(cats[b], 0, k.categories(), b * cats[b].length, cats[b].length);
        }
        float[] grad = new float[p.length];
        double lossSum = k.lossAndGradient(p, batch, loss, grad, 1f / batch);

        for (int b = 0; b < batch; b++) {
            double[] y = ref.forward(xs[b], cs[b], cats[b]);
            for (int o = 0; o < y.length; o++) {
                float got = k.output()[b * y.length + o];
                assertEquals(y[o], got, 2e-5 * (1 + Math.abs(y[o])), "output " + b + "," + o);
            }
        }
        double refLoss = ref.loss(xs, cs, cats, ys, loss);
        assertEquals(refLoss, lossSum / batch, 2e-5 * (1 + refLoss), "loss");
        assertGradientsClose(spec, ref.gradient(xs, cs, cats, ys, loss), grad);
    }

    static void assertGradientsClose(NetworkSpec spec, double[] want, float[] got) {
        for (ParameterLayout.Block block : new ParameterLayout(spec).blocks()) {
            double scale = 0;
            for (int i = block.offset(); i < block.offset() + block.size(); i++) {
                scale = Math.max(scale, Math.abs(want[i]));
            }
            for (int i = block.offset(); i < block.offset() + block.size(); i++) {
                double tol = 2e-4 * scale + 1e-3 * Math.abs(want[i]) + 1e-12;
                assertEquals(want[i], got[i], tol, block.name() + "[" + (i - block.offset()) + "]");
            }
        }
    }

    /**
     * I = 1, H = 1, one step, h_0 = 0, by hand: r = σ(0) = 1/2, z = σ(ln 3) = 3/4, n = tanh(atanh(1/2)) = 1/2,
     * h = z n = 3/8, y = 2 h + 1/4 = 1. MSE against 0: L = 1, dL/dy = 2, dL/dc = 2, dL/dv = 2 h = 3/4,
     * dL/dh = 2 v = 4, dL/dw_z = 4 (n - 0) z (1 - z) x = 3/8, dL/dw_n = 4 z (1 - n²) x = 9/4, dL/db_n = 9/4.
     * Reset-before: dL/dw_r = 0 (h_0 = 0 hides r). Reset-after with b_hn = 1 (and b_xn = atanh(1/2) - 1/2 so that
     * n stays 1/2): dL/dw_r = dL/da_n · b_hn · r (1 - r) = 9/4 · 1/4 = 9/16, dL/db_hn = 9/4 · r = 9/8.
     */
    @Test
    void tinyExampleMatchesClosedForm() {
        double atanhHalf = 0.5 * Math.log(3);
        for (Variant v : Variant.values()) {
            for (String backend : new String[] {"vector", "javablas"}) {
                NetworkSpec spec = NetworkSpec.regression(1, 1, 1, v, 1, 1);
                ParameterLayout lay = new ParameterLayout(spec);
                float[] p = new float[lay.size()];
                p[lay.wx(0) + 1] = (float) Math.log(3);             // w_z
                p[lay.wx(0) + 2] = (float) atanhHalf;               // w_n
                if (v == Variant.RESET_AFTER) {
                    p[lay.bh(0) + 2] = 1f;                          // b_hn
                    p[lay.bx(0) + 2] = -0.5f;                       // b_xn
                }
                p[lay.headW()] = 2f;
                p[lay.headB()] = 0.25f;
                Bptt k = new Bptt(spec, KernelBackend.named(backend), 1, 1);
                k.input()[0] = 1f;
                k.targets()[0] = 0f;
                float[] g = new float[p.length];
                double loss = k.lossAndGradient(p, 1, Loss.of(Loss.Kind.MSE), g, 1f);
                String what = v.id() + "/" + backend;
                assertEquals(1.0, k.output()[0], 2e-6, what + " y");
                assertEquals(1.0, loss, 4e-6, what + " loss");
                assertEquals(2.0, g[lay.headB()], 4e-6, what + " dc");
                assertEquals(0.75, g[lay.headW()], 4e-6, what + " dv");
                assertEquals(0.375, g[lay.wx(0) + 1], 4e-6, what + " dw_z");
                assertEquals(2.25, g[lay.wx(0) + 2], 4e-6, what + " dw_n");
                assertEquals(2.25, g[lay.bx(0) + 2], 4e-6, what + " db_n");
                assertEquals(0.0, g[lay.wh(0)], 0.0, what + " dU_r (h_0 = 0)");
                if (v == Variant.RESET_AFTER) {
                    assertEquals(0.5625, g[lay.wx(0)], 4e-6, what + " dw_r");
                    assertEquals(1.125, g[lay.bh(0) + 2], 4e-6, what + " db_hn");
                } else {
                    assertEquals(0.0, g[lay.wx(0)], 1e-7, what + " dw_r");
                }
            }
        }
    }

    @Test
    void gradientIsAddedScaledAndRepeatable() {
        NetworkSpec spec = NetworkSpec.regression(4, 9, 2, Variant.RESET_AFTER, 2, 1);
        Random rnd = new Random(3);
        float[] p = Fixtures.randomParams(spec, 5, 0.5);
        double[][][] xs = Fixtures.inputs(rnd, 6, 5, 4);
        double[][] ys = Fixtures.targets(rnd, spec, 6, Loss.of(Loss.Kind.MSE));
        Bptt k = new Bptt(spec, KernelBackend.best(), 6, 5);
        Fixtures.load(k, xs, ys);
        float[] once = new float[p.length];
        double l1 = k.lossAndGradient(p, 6, Loss.of(Loss.Kind.MSE), once, 1f);
        float[] twice = new float[p.length];
        k.lossAndGradient(p, 6, Loss.of(Loss.Kind.MSE), twice, 0.5f);
        double l2 = k.lossAndGradient(p, 6, Loss.of(Loss.Kind.MSE), twice, 0.5f);
        assertEquals(l1, l2, 0.0, "same input, same loss: workspaces carry no state between calls");
        for (int i = 0; i < p.length; i++) {
            assertEquals(once[i], twice[i], 1e-6f * (1 + Math.abs(once[i])), "param " + i);
        }
        float[] again = new float[p.length];
        k.lossAndGradient(p, 6, Loss.of(Loss.Kind.MSE), again, 1f);
        assertArrayEquals(once, again, "bit-identical on repetition");
    }

    /**
     * The {@code mase} loss is the MAE with per-sample weights: on a batch of two windows with weights 0.25 and 3
     * its loss and gradient equal the weighted sums of the MAE's on each window alone (each window's gradient is
     * checked against the double reference by {@link #matchesReference}), within float rounding: 1e-5 relative.
     */
    @Test
    void theMaseLossWeighsEachWindowsMae() {
        NetworkSpec spec = NetworkSpec.regression(3, 6, 1, Variant.RESET_BEFORE, 4, 1);
        Random rnd = new Random(8);
        float[] p = Fixtures.randomParams(spec, 2, 0.5);
        double[][][] xs = Fixtures.inputs(rnd, 2, 5, 3);
        double[][] ys = Fixtures.targets(rnd, spec, 2, Loss.of(Loss.Kind.MAE));
        float[] w = {0.25f, 3f};
        Bptt k = new Bptt(spec, KernelBackend.best(), 2, 5);
        Fixtures.load(k, xs, ys);
        k.weights()[0] = w[0];
        k.weights()[1] = w[1];
        float[] mase = new float[p.length];
        double lossMase = k.lossAndGradient(p, 2, Loss.of(Loss.Kind.MASE), mase, 1f);
        double want = 0;
        double[] wantGrad = new double[p.length];
        for (int b = 0; b < 2; b++) {
            Bptt one = new Bptt(spec, KernelBackend.best(), 1, 5);
            Fixtures.load(one, new double[][][] {xs[b]}, new double[][] {ys[b]});
            float[] g = new float[p.length];
            want += w[b] * one.lossAndGradient(p, 1, Loss.of(Loss.Kind.MAE), g, 1f);
            for (int i = 0; i < p.length; i++) {
                wantGrad[i] += w[b] * g[i];
            }
        }
        assertEquals(want, lossMase, 1e-5 * want);
        for (int i = 0; i < p.length; i++) {
            assertEquals(wantGrad[i], mase[i], 1e-5 * (1 + Math.abs(wantGrad[i])), "param " + i);
        }
    }

    /**
     * The pinball loss at τ = 0.5 alone is the absolute error (the loss is doubled for that): the gradients are
     * bit for bit those of {@code mae}; and a quantile's gradient is asymmetric, 2τ below the target and 2(1 - τ)
     * above it, per output, over the outputs' count.
     */
    @Test
    void thePinballLossAtTheMedianIsTheMae() {
        NetworkSpec spec = NetworkSpec.regression(2, 5, 1, Variant.RESET_BEFORE, 4, 1);
        Random rnd = new Random(3);
        float[] p = Fixtures.randomParams(spec, 5, 0.5);
        double[][][] xs = Fixtures.inputs(rnd, 3, 4, 2);
        double[][] ys = Fixtures.targets(rnd, spec, 3, Loss.of(Loss.Kind.MAE));
        Bptt k = new Bptt(spec, KernelBackend.named("vector"), 3, 4);
        Fixtures.load(k, xs, ys);
        float[] mae = new float[p.length];
        float[] median = new float[p.length];
        k.lossAndGradient(p, 3, Loss.of(Loss.Kind.MAE), mae, 1f / 3);
        k.lossAndGradient(p, 3, new Loss(Loss.Kind.MAE, 1, new float[] {0.5f}), median, 1f / 3);
        assertArrayEquals(mae, median);

        float[] y = {1f, -1f};
        float[] t = {0f, 0f};
        float[] dy = new float[2];
        double sum = new Loss(Loss.Kind.MAE, 1, new float[] {0.9f}).apply(1, 2, y, t, null, 1f, dy);
        assertEquals((2 * 0.1 * 1 + 2 * 0.9 * 1) / 2, sum, 1e-6, "2 (1 - τ) above, 2 τ below, averaged");
        assertEquals(2 * 0.1f / 2, dy[0], 1e-7);
        assertEquals(-2 * 0.9f / 2, dy[1], 1e-7);
    }

    @Test
    void rejectsMismatchedCalls() {
        NetworkSpec spec = NetworkSpec.regression(2, 3, 1, Variant.RESET_BEFORE, 1, 1);
        Bptt k = new Bptt(spec, KernelBackend.best(), 4, 3);
        float[] p = new float[new ParameterLayout(spec).size()];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.forward(p, 5));
        assertTrue(e.getMessage().contains("batch 5 outside 1..4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.forward(new float[3], 1));
        assertTrue(e.getMessage().contains("parameter array has 3 elements"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> k.lossAndGradient(p, 1, Loss.of(Loss.Kind.CROSS_ENTROPY), new float[p.length], 1f));
        assertTrue(e.getMessage().contains("does not fit a regression head"), e.getMessage());
    }
}
