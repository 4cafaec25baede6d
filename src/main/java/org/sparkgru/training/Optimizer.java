package org.sparkgru.training;

import java.util.Map;

/**
 * A first-order optimizer on the flat parameter array: {@link #step} once per iteration with the averaged gradient
 * in the parameters' layout. Its state (named float arrays of the parameters' length, and a step count) is what
 * checkpoints save and {@link #restore} reloads.
 */
public interface Optimizer {

    /** Updates {@code params} in place from {@code grad} with learning rate {@code lr}. */
    void step(float[] params, float[] grad, double lr);

    /** The live state arrays by name. */
    Map<String, float[]> state();

    /** Steps taken. */
    long steps();

    /** Restores a state saved from {@link #state()} and {@link #steps()}. */
    void restore(Map<String, float[]> state, long steps);

    /**
     * Floats of the state in its averageable form ({@link #exportState}): what local steps ship between the
     * partitions and the driver ({@code train.innerState = averaged}).
     */
    int averageableSize();

    /**
     * Writes the state into {@code out[offset, offset + averageableSize())} in a form whose weighted average over
     * partitions is a sensible state for all of them (every component on the gradients' scale, so that the
     * fixed-point sums of {@link GradientSum} resolve it).
     */
    void exportState(float[] out, int offset);

    /** Takes an (averaged) state written by {@link #exportState} and a step count. */
    void importState(float[] in, int offset, long steps);

    /** A fresh minibatch optimizer of {@code train.optimizer} (Adam, AdamW, SGD) for {@code parameters} floats. */
    static Optimizer of(org.sparkgru.config.TrainConfig.Train t, int parameters) {
        return switch (t.optimizer()) {
            case SGD -> new Sgd(parameters, t.momentum(), t.nesterov());
            case ADAMW -> new Adam(parameters, 0.9, 0.999, 1e-8, t.weightDecay());
            case ADAM -> new Adam(parameters, 0.9, 0.999, 1e-8, 0);
            case LBFGS -> throw new IllegalArgumentException("L-BFGS is LbfgsStep's");
        };
    }
}
