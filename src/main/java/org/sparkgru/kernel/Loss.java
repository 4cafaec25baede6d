package org.sparkgru.kernel;

import org.sparkgru.Choice;

/**
 * Training losses on the head outputs {@code y} ({@code batch x outputs}, row-major).
 *
 * <p>Per-sample losses, with {@code O} outputs and {@code d = y - target}:
 * <ul>
 *   <li>{@code mse}: {@code (1/O) Σ d²}</li>
 *   <li>{@code mae}: {@code (1/O) Σ |d|} (subgradient 0 at d = 0)</li>
 *   <li>{@code huber}: {@code (1/O) Σ (|d| <= δ ? d²/2 : δ (|d| - δ/2))}</li>
 *   <li>{@code mase}: {@code w (1/O) Σ |d|} with the sample's weight {@code w} from the caller (the trainer sets
 *       the window's target scale divided by its series' MASE scale, which makes the loss the window's MAE in the
 *       units MASE scores: the scale-free loss of Hyndman and Koehler 2006's measure)</li>
 *   <li>{@code cross-entropy}: {@code -log softmax(y)[label]}, targets holding one class index per sample.</li>
 * </ul>
 * With {@link #quantiles} τ_1 < ... < τ_Q, {@code mae} and {@code mase} become the pinball (quantile) loss of
 * Koenker and Bassett 1978, doubled so that τ = 0.5 is the absolute error: output {@code i} is quantile
 * {@code τ = quantiles[i % Q]} of its target (outputs step-major, the Q quantiles of a step adjacent, each holding
 * the step's target), and its term is {@code 2 (τ max(-d, 0) + (1 - τ) max(d, 0))}, averaged over the outputs as
 * above ({@code mase}: times the sample's weight). {@code quantiles = [0.5]} is exactly {@code mae}.
 * The batch loss is the mean of the per-sample losses, which for the regression losses equals the mean over all
 * {@code batch x O} elements (PyTorch's {@code reduction='mean'}). {@link #apply} returns the <em>sum</em> of the
 * per-sample losses and writes {@code scale x} its gradient; {@code scale = 1/batch} gives the mean.
 *
 * @param kind      which loss
 * @param delta     Huber threshold δ (> 0; ignored by the other losses)
 * @param quantiles the pinball loss's levels, strictly increasing in (0, 1), {@code mae} and {@code mase} only;
 *                  empty for a point loss
 */
public record Loss(Kind kind, double delta, float[] quantiles) implements java.io.Serializable {

    /** The loss functions. */
    public enum Kind implements Choice {
        MSE, MAE, HUBER, CROSS_ENTROPY, MASE;

        /** Parses a configuration name. */
        public static Kind parse(String s) {
            return Choice.parse(values(), s, "loss");
        }
    }

    public Loss {
        if (kind == null) {
            throw new IllegalArgumentException("loss kind is required");
        }
        if (!(delta > 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("huber delta must be a positive finite number, got " + delta);
        }
        quantiles = quantiles.clone();
        if (quantiles.length > 0 && kind != Kind.MAE && kind != Kind.MASE) {
            throw new IllegalArgumentException("quantiles go with the mae or mase loss, not " + kind.id());
        }
        for (int q = 0; q < quantiles.length; q++) {
            if (!(quantiles[q] > 0 && quantiles[q] < 1) || (q > 0 && !(quantiles[q] > quantiles[q - 1]))) {
                throw new IllegalArgumentException("quantiles must increase strictly within (0, 1), got "
                        + java.util.Arrays.toString(quantiles));
            }
        }
    }

    /** The levels (a copy: the loss is a value). */
    @Override
    public float[] quantiles() {
        return quantiles.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Loss l && l.kind == kind && Double.compare(l.delta, delta) == 0
                && java.util.Arrays.equals(l.quantiles, quantiles);
    }

    @Override
    public int hashCode() {
        return (kind.hashCode() * 31 + Double.hashCode(delta)) * 31 + java.util.Arrays.hashCode(quantiles);
    }

    @Override
    public String toString() {
        return "Loss[" + kind.id() + (kind == Kind.HUBER ? " δ " + delta : "")
                + (quantiles.length > 0 ? " quantiles " + java.util.Arrays.toString(quantiles) : "") + "]";
    }

    /** A point loss ({@link #quantiles} empty). */
    public Loss(Kind kind, double delta) {
        this(kind, delta, new float[0]);
    }

    /** A loss with the default Huber δ of 1. */
    public static Loss of(Kind kind) {
        return new Loss(kind, 1.0);
    }

    /** Whether this loss goes with a classification head. */
    public boolean classification() {
        return kind == Kind.CROSS_ENTROPY;
    }

    /** Whether this loss reads per-sample weights ({@code mase}). */
    public boolean weighted() {
        return kind == Kind.MASE;
    }

    /**
     * Sum over the batch of the per-sample losses; writes {@code dy = scale * d(sum)/dy}.
     *
     * @param y       outputs, {@code batch x outputs}
     * @param targets regression: {@code batch x outputs} values; classification: {@code batch} class indices
     * @param weights per-sample weights, {@code batch} values (read by {@link #weighted()} losses only)
     * @param dy      gradient output, {@code batch x outputs}
     */
    public double apply(int batch, int outputs, float[] y, float[] targets, float[] weights, float scale,
                        float[] dy) {
        if (classification()) {
            return crossEntropy(batch, outputs, y, targets, scale, dy);
        }
        if (quantiles.length > 0) {
            return pinball(batch, outputs, y, targets, kind == Kind.MASE ? weights : null, scale, dy);
        }
        return kind == Kind.MASE ? weightedMae(batch, outputs, y, targets, weights, scale, dy)
                : regression(batch, outputs, y, targets, scale, dy);
    }

    /** The doubled pinball loss over {@link #quantiles}, weighted per sample when {@code w} is not null. */
    private double pinball(int batch, int outputs, float[] y, float[] t, float[] w, float scale, float[] dy) {
        int nq = quantiles.length;
        if (outputs % nq != 0) {
            throw new IllegalArgumentException(outputs + " outputs are not whole steps of " + nq + " quantiles");
        }
        double sum = 0;
        for (int b = 0; b < batch; b++) {
            float wb = w == null ? 1f : w[b];
            float g = scale * wb / outputs;
            double sample = 0;
            for (int i = b * outputs, q = 0; i < (b + 1) * outputs; i++, q = q + 1 == nq ? 0 : q + 1) {
                float tau = quantiles[q];
                float d = y[i] - t[i];
                float above = 2f * (1f - tau);
                float below = 2f * tau;
                sample += d > 0 ? above * d : -below * d;
                dy[i] = d > 0 ? g * above : d < 0 ? -g * below : 0f;
            }
            sum += wb * sample;
        }
        return sum / outputs;
    }

    private static double weightedMae(int batch, int outputs, float[] y, float[] t, float[] w, float scale,
                                      float[] dy) {
        double sum = 0;
        for (int b = 0; b < batch; b++) {
            float g = scale * w[b] / outputs;
            double sample = 0;
            for (int i = b * outputs; i < (b + 1) * outputs; i++) {
                float d = y[i] - t[i];
                sample += Math.abs(d);
                dy[i] = g * Math.signum(d);
            }
            sum += w[b] * sample;
        }
        return sum / outputs;
    }

    private double regression(int batch, int outputs, float[] y, float[] t, float scale, float[] dy) {
        double sum = 0;
        float g = scale / outputs;
        float dlt = (float) delta;
        int n = batch * outputs;
        for (int i = 0; i < n; i++) {
            float d = y[i] - t[i];
            float ad = Math.abs(d);
            switch (kind) {
                case MSE -> {
                    sum += (double) d * d;
                    dy[i] = 2f * g * d;
                }
                case MAE -> {
                    sum += ad;
                    dy[i] = g * Math.signum(d);
                }
                default -> {
                    if (ad <= dlt) {
                        sum += 0.5 * d * d;
                        dy[i] = g * d;
                    } else {
                        sum += delta * (ad - 0.5 * delta);
                        dy[i] = g * dlt * Math.signum(d);
                    }
                }
            }
        }
        return sum / outputs;
    }

    private static double crossEntropy(int batch, int classes, float[] y, float[] labels, float scale, float[] dy) {
        double sum = 0;
        for (int b = 0; b < batch; b++) {
            float lf = labels[b];
            int label = (int) lf;
            if (label != lf || label < 0 || label >= classes) {
                throw new IllegalArgumentException("class label " + lf + " of sample " + b
                        + " is not an integer in [0, " + classes + ")");
            }
            int o = b * classes;
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, y[o + k]);
            }
            double z = 0;
            for (int k = 0; k < classes; k++) {
                z += Math.exp(y[o + k] - max);
            }
            double logZ = Math.log(z) + max;
            sum += logZ - y[o + label];
            for (int k = 0; k < classes; k++) {
                float p = (float) Math.exp(y[o + k] - logZ);
                dy[o + k] = scale * (k == label ? p - 1f : p);
            }
        }
        return sum;
    }
}
