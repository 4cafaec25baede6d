package org.sparkgru.training;

/**
 * Adam (Kingma and Ba 2015, "Adam: A Method for Stochastic Optimization") on a flat parameter array, with bias
 * correction and optional decoupled weight decay (AdamW, Loshchilov and Hutter 2019).
 *
 * <p>Call {@link #step} once per iteration with the (averaged) gradient in the parameters' layout. The moment
 * vectors are float arrays of the same length, exposed for checkpoints.
 */
public final class Adam implements Optimizer {
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final float[] m;
    private final float[] v;
    private long t;

    /**
     * @param size        number of parameters
     * @param beta1       first-moment decay, in [0, 1)
     * @param beta2       second-moment decay, in [0, 1)
     * @param epsilon     denominator guard, > 0
     * @param weightDecay decoupled weight decay per unit learning rate (0 for plain Adam)
     */
    public Adam(int size, double beta1, double beta2, double epsilon, double weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("Adam needs 0 <= beta1, beta2 < 1, epsilon > 0 and weightDecay >= 0; got "
                    + beta1 + ", " + beta2 + ", " + epsilon + ", " + weightDecay);
        }
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.epsilon = (float) epsilon;
        this.weightDecay = (float) weightDecay;
        this.m = new float[size];
        this.v = new float[size];
    }

    /** Adam with PyTorch's defaults: betas (0.9, 0.999), epsilon 1e-8, no weight decay. */
    public static Adam withDefaults(int size) {
        return new Adam(size, 0.9, 0.999, 1e-8, 0);
    }

    @Override
    public void step(float[] params, float[] grad, double lr) {
        if (params.length != m.length || grad.length != m.length) {
            throw new IllegalArgumentException("Adam was built for " + m.length + " parameters, got "
                    + params.length + " parameters and " + grad.length + " gradients");
        }
        t++;
        float c1 = (float) (1 - Math.pow(beta1, t));
        float c2 = (float) (1 - Math.pow(beta2, t));
        float stepSize = (float) lr / c1;
        float invSqrtC2 = (float) (1 / Math.sqrt(c2));
        float decay = (float) (1 - lr * weightDecay);
        float b1 = beta1;
        float b2 = beta2;
        float eps = epsilon;
        for (int i = 0; i < params.length; i++) {
            float g = grad[i];
            float mi = b1 * m[i] + (1 - b1) * g;
            float vi = b2 * v[i] + (1 - b2) * g * g;
            m[i] = mi;
            v[i] = vi;
            params[i] = params[i] * decay - stepSize * mi / ((float) Math.sqrt(vi) * invSqrtC2 + eps);
        }
    }

    /** First moments, then the square roots of the second moments (on the gradients' scale, unlike their squares). */
    @Override
    public int averageableSize() {
        return 2 * m.length;
    }

    @Override
    public void exportState(float[] out, int offset) {
        System.arraycopy(m, 0, out, offset, m.length);
        for (int i = 0; i < v.length; i++) {
            out[offset + m.length + i] = (float) Math.sqrt(v[i]);
        }
    }

    @Override
    public void importState(float[] in, int offset, long steps) {
        System.arraycopy(in, offset, m, 0, m.length);
        for (int i = 0; i < v.length; i++) {
            float root = in[offset + m.length + i];
            v[i] = root * root;
        }
        t = steps;
    }

    @Override
    public long steps() {
        return t;
    }

    @Override
    public java.util.Map<String, float[]> state() {
        return java.util.Map.of("adam.m", m, "adam.v", v);
    }

    @Override
    public void restore(java.util.Map<String, float[]> state, long steps) {
        float[] first = state.get("adam.m");
        float[] second = state.get("adam.v");
        if (first == null || second == null || first.length != m.length || second.length != v.length || steps < 0) {
            throw new IllegalArgumentException("optimizer state does not match Adam over " + m.length + " parameters");
        }
        System.arraycopy(first, 0, m, 0, m.length);
        System.arraycopy(second, 0, v, 0, v.length);
        t = steps;
    }
}
