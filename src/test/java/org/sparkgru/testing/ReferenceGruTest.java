package org.sparkgru.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkgru.kernel.Loss;
import org.sparkgru.model.NetworkSpec;
import org.sparkgru.model.ParameterLayout;
import org.sparkgru.model.Variant;

/**
 * Finite-difference checks of the reference's hand-written backward pass: every parameter of every block, both
 * variants, 1 and 2 layers, every loss, both heads. Central differences in double with step 1e-5 have truncation
 * error ~1e-10 and rounding error ~1e-11 here, so 1e-7 (absolute plus relative) separates right from wrong by
 * orders of magnitude; a wrong sign or a missing term gives errors of order 1e-2.
 */
class ReferenceGruTest {

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Variant v : Variant.values()) {
            for (int layers = 1; layers <= 2; layers++) {
                for (Loss.Kind k : Loss.Kind.values()) {
                    b.add(Arguments.of(v, layers, k, false, 0, 0));
                }
                b.add(Arguments.of(v, layers, Loss.Kind.MAE, true, 0, 0));
                b.add(Arguments.of(v, layers, Loss.Kind.MSE, false, 5, 0));
                b.add(Arguments.of(v, layers, Loss.Kind.MAE, true, 5, 0));
                b.add(Arguments.of(v, layers, Loss.Kind.MSE, false, 2, 3));
                b.add(Arguments.of(v, layers, Loss.Kind.MASE, true, 0, 3));
            }
        }
        return b.build();
    }

    /**
     * With {@code pinball}, the loss of quantiles 0.1, 0.5, 0.9 of 2 steps: 6 outputs, a level each. With
     * {@code context}, that many head inputs per window beside h_T (known-future covariates): their weights'
     * gradients are checked with the rest. With {@code embedded = E > 0}, two categorical inputs of 2 and 3 rows
     * embedded in E values each, appended to the 3 inputs of every step (static covariates): the embedding rows'
     * gradients are checked too.
     */
    @ParameterizedTest(name = "{0} layers={1} {2} pinball={3} context={4} embedded={5}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(Variant variant, int layers, Loss.Kind kind, boolean pinball, int context,
                                          int embedded) {
        Loss loss = pinball ? new Loss(kind, 0.7, new float[] {0.1f, 0.5f, 0.9f}) : new Loss(kind, 0.7);
        NetworkSpec spec = kind == Loss.Kind.CROSS_ENTROPY
                ? NetworkSpec.classification(3, 4, layers, variant, 3)
                : NetworkSpec.regression(3 + 2 * embedded, 4, layers, variant, 2, pinball ? 3 : 2, context,
                        embedded > 0 ? java.util.List.of(2, 3) : java.util.List.of(), embedded);
        Random rnd = new Random(42 + layers);
        double[] p = ReferenceGru.toDouble(Fixtures.randomParams(spec, 7, 0.8));
        double[][][] xs = Fixtures.inputs(rnd, 3, 4, 3);
        double[][] cs = Fixtures.contexts(rnd, 3, context);
        int[][] cats = Fixtures.categories(rnd, 3, spec.vocabularies());
        double[][] ys = Fixtures.targets(rnd, spec, 3, loss);
        double[] analytic = new ReferenceGru(spec, p).gradient(xs, cs, cats, ys, loss);
        double eps = 1e-5;
        double worst = 0;
        for (ParameterLayout.Block block : new ParameterLayout(spec).blocks()) {
            for (int i = block.offset(); i < block.offset() + block.size(); i++) {
                double keep = p[i];
                p[i] = keep + eps;
                double up = new ReferenceGru(spec, p).loss(xs, cs, cats, ys, loss);
                p[i] = keep - eps;
                double down = new ReferenceGru(spec, p).loss(xs, cs, cats, ys, loss);
                p[i] = keep;
                double fd = (up - down) / (2 * eps);
                double err = Math.abs(fd - analytic[i]);
                worst = Math.max(worst, err);
                assertTrue(err <= 1e-7 * (1 + Math.abs(fd)),
                        block.name() + "[" + (i - block.offset()) + "]: analytic " + analytic[i] + " vs finite difference " + fd);
            }
        }
        assertTrue(worst > 0, "the check compared something");
        assertEquals(p.length, analytic.length);
    }
}
