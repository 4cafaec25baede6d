package org.sparkgru.config;

import org.sparkgru.Choice;

/**
 * {@code data.transform}: a map of the target into the space the network models, applied before the scaling
 * ({@code data.scaling}) and undone on every output (point forecasts and quantiles, which an increasing map keeps
 * in order). Metrics, baselines and MASE's scale stay in the original units.
 */
public enum TargetTransform implements Choice {
    /** The values as they are. */
    NONE,
    /**
     * {@code log(1 + v)}, undone by {@code exp(y) - 1}: for counts, sales and demand, whose noise grows with the level;
     * needs targets {@code >= 0}. The median of a log-space forecast maps to the median of the original one.
     */
    LOG1P;

    /** The model-space value of an original {@code v}. */
    public float apply(float v) {
        return this == LOG1P ? (float) Math.log1p(v) : v;
    }

    /** The model-space value of an original {@code v}, in double. */
    public double apply(double v) {
        return this == LOG1P ? Math.log1p(v) : v;
    }

    /** The original value of a model-space {@code y}. */
    public double invert(double y) {
        return this == LOG1P ? Math.expm1(y) : y;
    }

    /** Whether an original value is in the transform's domain. */
    public boolean accepts(double v) {
        return this != LOG1P || v >= 0;
    }
}
