package org.sparkgru.testing;

import java.util.Random;
import org.sparkgru.kernel.Bptt;
import org.sparkgru.kernel.Loss;
import org.sparkgru.model.NetworkSpec;
import org.sparkgru.model.ParameterLayout;

/** Random networks and batches for tests, with conversions between the reference and the kernel layouts. */
public final class Fixtures {
    private Fixtures() {
    }

    /** Parameters uniform in [-scale, scale] (larger than Keras' init, to exercise every nonlinearity). */
    public static float[] randomParams(NetworkSpec spec, long seed, double scale) {
        Random rnd = new Random(seed);
        float[] p = new float[new ParameterLayout(spec).size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) ((2 * rnd.nextDouble() - 1) * scale);
        }
        return p;
    }

    /** A batch: {@code xs[b][t][i]} standard normal (float-representable values). */
    public static double[][][] inputs(Random rnd, int batch, int window, int inputSize) {
        double[][][] xs = new double[batch][window][inputSize];
        for (double[][] s : xs) {
            for (double[] step : s) {
                for (int i = 0; i < inputSize; i++) {
                    step[i] = (float) rnd.nextGaussian();
                }
            }
        }
        return xs;
    }

    /** Head contexts {@code [batch][width]}: normal values, float-representable (width 0: empty rows). */
    public static double[][] contexts(Random rnd, int batch, int width) {
        double[][] cs = new double[batch][width];
        for (double[] c : cs) {
            for (int i = 0; i < width; i++) {
                c[i] = (float) rnd.nextGaussian();
            }
        }
        return cs;
    }

    /** Categorical inputs {@code [batch][K]}: uniform rows of each input's vocabulary (for no embeddings: empty). */
    public static int[][] categories(Random rnd, int batch, java.util.List<Integer> vocabularies) {
        int[][] c = new int[batch][vocabularies.size()];
        for (int[] row : c) {
            for (int k = 0; k < row.length; k++) {
                row[k] = rnd.nextInt(vocabularies.get(k));
            }
        }
        return c;
    }

    /** Targets for {@code loss}: normal values, or class indices {@code [b][1]}. */
    public static double[][] targets(Random rnd, NetworkSpec spec, int batch, Loss loss) {
        double[][] t = new double[batch][];
        for (int b = 0; b < batch; b++) {
            if (loss.classification()) {
                t[b] = new double[] {rnd.nextInt(spec.classes())};
            } else {
                t[b] = new double[spec.outputs()];
                for (int k = 0; k < t[b].length; k++) {
                    t[b][k] = (float) rnd.nextGaussian();
                }
            }
        }
        return t;
    }

    /** Copies a batch into the kernel's time-major input and target buffers. */
    public static void load(Bptt k, double[][][] xs, double[][] targets) {
        int batch = xs.length;
        int window = xs[0].length;
        int in = xs[0][0].length;
        int stride = k.spec().inputSize(); // wider than in by the embedded columns, which the kernel fills
        float[] x = k.input();
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < window; t++) {
                for (int i = 0; i < in; i++) {
                    x[(t * batch + b) * stride + i] = (float) xs[b][t][i];
                }
            }
        }
        if (targets != null) {
            float[] y = k.targets();
            int w = targets[0].length;
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < w; j++) {
                    y[b * w + j] = (float) targets[b][j];
                }
            }
        }
    }
}
