package org.sparkgru.model;

import java.util.Random;

/**
 * Keras' default GRU initialization, reproducible from a seed: Glorot-uniform input and head weights
 * (Glorot and Bengio 2010, limit {@code sqrt(6 / (fan_in + fan_out))} over the whole {@code [in, 3H]} kernel),
 * orthogonal recurrent weights (Saxe et al. 2014; the {@code [H, 3H]} matrix has orthonormal rows, the sign of
 * each direction fixed as Keras fixes it through the diagonal of R), and zero biases.
 *
 * <p>Draws come from {@link java.util.Random}, whose algorithm the JDK specifies, and all arithmetic is strict
 * IEEE, so the same seed gives bit-identical weights on every JVM. Blocks are drawn in {@link ParameterLayout}
 * order.
 */
public final class Initializer {
    private Initializer() {
    }

    /** A new parameter array for {@code spec}, initialized from {@code seed}. */
    public static float[] keras(NetworkSpec spec, long seed) {
        ParameterLayout layout = new ParameterLayout(spec);
        float[] p = new float[layout.size()];
        Random rnd = new Random(seed);
        int h = spec.hidden();
        for (int l = 0; l < spec.layers(); l++) {
            int in = spec.layerInput(l);
            glorotUniform(rnd, p, layout.wx(l), in, 3 * h);
            orthogonal(rnd, p, layout.wh(l), h, 3 * h);
        }
        glorotUniform(rnd, p, layout.headW(), h, spec.outputs());
        // embedding rows as torch.nn.Embedding draws them, N(0, 1): the head's rows that read them start at 0 (as
        // every context row), so the rows must not, or neither would get a gradient
        for (int k = 0; k < spec.vocabularies().size(); k++) {
            for (int i = 0; i < spec.vocabularies().get(k) * spec.embeddingDim(); i++) {
                p[layout.embedding(k) + i] = (float) rnd.nextGaussian();
            }
        }
        return p;
    }

    /**
     * Sets row 0 of every embedding, the row of categories not seen in training (which no window trained), to the
     * mean of the trained rows {@code 1..V-1}, in every member of {@code params}: an unseen category is forecast as
     * an average one. Returns a new array.
     */
    public static float[] averageUnknownRows(NetworkSpec spec, float[] params) {
        float[] p = params.clone();
        ParameterLayout layout = new ParameterLayout(spec);
        int dim = spec.embeddingDim();
        for (int m = 0; m < params.length / layout.size(); m++) {
            for (int k = 0; k < spec.vocabularies().size(); k++) {
                int rows = spec.vocabularies().get(k);
                int off = m * layout.size() + layout.embedding(k);
                for (int e = 0; e < dim && rows > 1; e++) {
                    double sum = 0;
                    for (int r = 1; r < rows; r++) {
                        sum += p[off + r * dim + e];
                    }
                    p[off + e] = (float) (sum / (rows - 1));
                }
            }
        }
        return p;
    }

    private static void glorotUniform(Random rnd, float[] p, int off, int fanIn, int fanOut) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < fanIn * fanOut; i++) {
            p[off + i] = (float) ((2 * rnd.nextDouble() - 1) * limit);
        }
    }

    /**
     * Fills a row-major {@code rows x cols} block ({@code rows <= cols}) with orthonormal rows: the transpose of
     * the Q factor of a {@code cols x rows} Gaussian matrix, as Keras' {@code Orthogonal} does. Q comes from
     * modified Gram-Schmidt with one re-orthogonalization pass; its R has a positive diagonal, which is exactly the
     * sign convention Keras enforces.
     */
    private static void orthogonal(Random rnd, float[] p, int off, int rows, int cols) {
        double[][] q = new double[rows][cols];
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                q[r][c] = rnd.nextGaussian();
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int s = 0; s < r; s++) {
                    double dot = 0;
                    for (int c = 0; c < cols; c++) {
                        dot += q[r][c] * q[s][c];
                    }
                    for (int c = 0; c < cols; c++) {
                        q[r][c] -= dot * q[s][c];
                    }
                }
            }
            double norm = 0;
            for (int c = 0; c < cols; c++) {
                norm += q[r][c] * q[r][c];
            }
            norm = Math.sqrt(norm);
            for (int c = 0; c < cols; c++) {
                q[r][c] /= norm;
                p[off + r * cols + c] = (float) q[r][c];
            }
        }
    }
}
