package org.sparkgru.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One assembled series (or one chunk of a long series) on a regular time grid, as cached on the executors: the
 * target and covariates as flat float arrays (memory proportional to the raw data), the grid, the scalers, and
 * what data cleaning did. Windows are never materialized: a sample is an offset into these arrays.
 *
 * <p>Layout: {@code values[t]} is the target at grid point {@code t}, {@code features[t * featureCount + f]} the
 * covariates. Time of grid point {@code t} is {@code grid.timeAt(t)} in the ticks of the time column. The last
 * {@code validationPoints} points are validation targets only (the horizon for a whole series or the last chunk,
 * 0 for the other chunks of a long series). {@code future[j * featureCount + f]} holds the covariates of grid point
 * {@code length() + j}, after the last target: the known-future covariates a forecast reads
 * ({@code data.futureFeatures}; NaN in the columns of past covariates), empty when none are known.
 * {@link #statics} holds the series' static covariates ({@code data.staticFeatures}).
 */
public final class Series implements Serializable {
    private static final long serialVersionUID = 5L;

    public final String id;
    /** 0 for a whole series; chunk number for the chunks of a long one. */
    public final int chunk;
    public final TimeGrid grid;
    public final float[] values;
    public final float[] features;
    public final int featureCount;
    /** Covariates of the grid points after the last target, {@code [steps][featureCount]}; empty for none. */
    public final float[] future;
    /** Target and covariate scalers (identity for what is not scaled per series). */
    public final Scaler scaler;
    /** Validation points at the end: horizon, or 0 for a chunk that is not the last. */
    public final int validationPoints;
    /**
     * MASE's scale: the in-sample mean absolute error of seasonal naive over the whole series' training part
     * ({@link org.sparkgru.metrics.ErrorSums#maseScale}, with the grid's season).
     */
    public final double maseScale;
    public final Quality quality;
    /** The static covariates, as the head reads them: numeric standardized, categorical as embedding rows. */
    public final Statics statics;

    /** Static covariates of one series: {@link StaticCovariates#standardize standardized} values, embedding rows. */
    public record Statics(float[] numeric, int[] codes) implements Serializable {
        /** None. */
        public static final Statics NONE = new Statics(new float[0], new int[0]);
    }

    /** What cleaning did to a series: counts per policy. */
    public record Quality(int droppedMissing, int interpolatedMissing, int duplicatesResolved, int gapsFilled)
            implements Serializable {
    }

    public Series(String id, int chunk, TimeGrid grid, float[] values, float[] features, int featureCount,
                  Scaler scaler, int validationPoints, double maseScale, Quality quality) {
        this(id, chunk, grid, values, features, featureCount, new float[0], scaler, validationPoints, maseScale,
                quality);
    }

    /** As above, with the covariates known after the last target ({@link #future}). */
    public Series(String id, int chunk, TimeGrid grid, float[] values, float[] features, int featureCount,
                  float[] future, Scaler scaler, int validationPoints, double maseScale, Quality quality) {
        this(id, chunk, grid, values, features, featureCount, future, scaler, validationPoints, maseScale, quality,
                Statics.NONE);
    }

    private Series(String id, int chunk, TimeGrid grid, float[] values, float[] features, int featureCount,
                   float[] future, Scaler scaler, int validationPoints, double maseScale, Quality quality,
                   Statics statics) {
        this.statics = statics;
        this.future = future;
        this.id = id;
        this.chunk = chunk;
        this.grid = grid;
        this.values = values;
        this.features = features;
        this.featureCount = featureCount;
        this.scaler = scaler;
        this.validationPoints = validationPoints;
        this.maseScale = maseScale;
        this.quality = quality;
    }

    /** The same series with another scaler (arrays shared). */
    public Series withScaler(Scaler other) {
        return new Series(id, chunk, grid, values, features, featureCount, future, other, validationPoints,
                maseScale, quality, statics);
    }

    /** The same series with these static covariates (arrays shared). */
    public Series withStatics(Statics s) {
        return new Series(id, chunk, grid, values, features, featureCount, future, scaler, validationPoints,
                maseScale, quality, s);
    }

    /**
     * Points {@code [from, to)} as chunk {@code number}; it keeps the validation tail and the {@link #future} only
     * if it ends the series.
     */
    public Series slice(int from, int to, int number) {
        boolean last = to == values.length;
        return new Series(id, number, grid.from(from), Arrays.copyOfRange(values, from, to),
                Arrays.copyOfRange(features, from * featureCount, to * featureCount), featureCount,
                last ? future : new float[0], scaler, last ? validationPoints : 0, maseScale, quality, statics);
    }

    /**
     * The history before point {@code to}, as a forecast at that origin sees it: its covariates after {@code to}
     * (those of the points cut off, then {@link #future}) stay known, so that known-future covariates can be read.
     */
    public Series history(int to) {
        float[] known = new float[features.length - to * featureCount + future.length];
        System.arraycopy(features, to * featureCount, known, 0, features.length - to * featureCount);
        System.arraycopy(future, 0, known, features.length - to * featureCount, future.length);
        return new Series(id, chunk, grid, Arrays.copyOf(values, to), Arrays.copyOf(features, to * featureCount),
                featureCount, known, scaler, 0, maseScale, quality, statics);
    }

    /**
     * Covariate {@code f} at grid point {@code t}, which may lie after the last target (from {@link #future}); NaN
     * when it is not known there.
     */
    public float covariate(int t, int f) {
        if (t < values.length) {
            return features[t * featureCount + f];
        }
        int i = (t - values.length) * featureCount + f;
        return i < future.length ? future[i] : Float.NaN;
    }

    /** Number of grid points. */
    public int length() {
        return values.length;
    }
}
