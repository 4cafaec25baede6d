package org.sparkgru.training;

import java.util.Map;

/**
 * Stochastic gradient descent with momentum (Polyak's heavy ball, PyTorch's formulation
 * {@code v = mu v + g; p -= lr v}) or Nesterov momentum ({@code p -= lr (g + mu v)}, Sutskever et al. 2013);
 * momentum 0 gives plain SGD.
 */
public final class Sgd implements Optimizer {
    private final float momentum;
    private final boolean nesterov;
    private final float[] velocity;
    private long t;

    public Sgd(int size, double momentum, boolean nesterov) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("SGD momentum must be in [0, 1), got " + momentum);
        }
        this.momentum = (float) momentum;
        this.nesterov = nesterov;
        this.velocity = new float[size];
    }

    @Override
    public void step(float[] params, float[] grad, double lr) {
        float rate = (float) lr;
        for (int i = 0; i < params.length; i++) {
            float v = momentum * velocity[i] + grad[i];
            velocity[i] = v;
            params[i] -= rate * (nesterov ? grad[i] + momentum * v : v);
        }
        t++;
    }

    @Override
    public Map<String, float[]> state() {
        return Map.of("sgd.velocity", velocity);
    }

    @Override
    public int averageableSize() {
        return velocity.length;
    }

    @Override
    public void exportState(float[] out, int offset) {
        System.arraycopy(velocity, 0, out, offset, velocity.length);
    }

    @Override
    public void importState(float[] in, int offset, long steps) {
        System.arraycopy(in, offset, velocity, 0, velocity.length);
        t = steps;
    }

    @Override
    public long steps() {
        return t;
    }

    @Override
    public void restore(Map<String, float[]> state, long steps) {
        System.arraycopy(state.get("sgd.velocity"), 0, velocity, 0, velocity.length);
        t = steps;
    }
}
