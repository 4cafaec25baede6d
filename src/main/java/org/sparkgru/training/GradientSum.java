package org.sparkgru.training;

import java.io.Serializable;

/**
 * A partition's (or several partitions') gradient sum, loss sum and window count, in fixed point.
 *
 * <p>Values are stored as {@code round(v * 2^32)} in longs, so that adding partial sums is exact, associative and
 * commutative: {@code treeAggregate} may combine partitions in any order (task completion order, retried tasks) and
 * the total is bit-identical. Resolution is 2.3e-10 absolute per partition sum, finer than float32 for any
 * component above 1e-3; a component beyond ±2^31 marks the sum as overflowed, which the trainer treats like a
 * non-finite gradient.
 *
 * <p>{@link #empty()} is the zero of {@code treeAggregate}: it holds no array until it merges one, because Spark
 * serializes the zero into the task closures and clones it on the driver every iteration.
 */
public final class GradientSum implements Serializable {
    private static final long serialVersionUID = 1L;
    static final double ONE = 4294967296.0;
    private static final double LIMIT = 2147483648.0;

    /** Fixed-point gradient sums; null in an {@link #empty()} sum until it merges one. */
    long[] grad;
    long loss;
    long count;
    boolean overflow;

    GradientSum(int size) {
        grad = new long[size];
    }

    private GradientSum() {
    }

    /** The sum of nothing, without an array: the zero value for {@code treeAggregate}. */
    static GradientSum empty() {
        return new GradientSum();
    }

    /** Adds a float gradient sum (already summed over windows) and a loss sum. */
    void add(float[] g, double lossSum, long windows) {
        add(g, 0, lossSum, windows);
    }

    /**
     * Adds a float gradient sum into {@code [offset, offset + g.length)} (one member of an ensemble) and a loss
     * sum; {@code windows} counts once per window, so the other members of an ensemble add 0.
     */
    void add(float[] g, int offset, double lossSum, long windows) {
        for (int i = 0; i < g.length; i++) {
            grad[offset + i] += fixed(g[i]);
        }
        loss += fixed(lossSum);
        count += windows;
    }

    /** Fixed point of {@code v}; NaN, infinities and values beyond ±2^31 mark the sum as overflowed. */
    private long fixed(double v) {
        if (!(Math.abs(v) < LIMIT)) {
            overflow = true;
            return 0;
        }
        return Math.round(v * ONE);
    }

    /** Merges {@code o} into this (exact); an empty sum takes over {@code o}'s array, which {@code o} gives up. */
    GradientSum merge(GradientSum o) {
        if (grad == null) {
            grad = o.grad;
            o.grad = null;
        } else if (o.grad != null) {
            for (int i = 0; i < grad.length; i++) {
                grad[i] += o.grad[i];
            }
        }
        loss += o.loss;
        count += o.count;
        overflow |= o.overflow;
        return this;
    }

    /** Back to zero, keeping the array (for a sum reused within one task). */
    void clear() {
        java.util.Arrays.fill(grad, 0L);
        loss = 0;
        count = 0;
        overflow = false;
    }

    /** The mean gradient over the windows, into {@code out}. */
    void mean(float[] out) {
        if (grad == null) {
            java.util.Arrays.fill(out, 0f);
            return;
        }
        double scale = 1.0 / (ONE * count);
        for (int i = 0; i < grad.length; i++) {
            out[i] = (float) (grad[i] * scale);
        }
    }

    /** The mean loss per window, summed over an ensemble's members. */
    double meanLoss() {
        return loss / ONE / count;
    }
}
