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
 * 0 for the other chunks of a long series).
 */
public final class Series implements Serializable {
    private static final long serialVersionUID = 3L;

    public final String id;
    /** 0 for a whole series; chunk number for the chunks of a long one. */
    public final int chunk;
    public final TimeGrid grid;
    public final float[] values;
    public final float[] features;
    public final int featureCount;
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

    /** What cleaning did to a series: counts per policy. */
    public record Quality(int droppedMissing, int interpolatedMissing, int duplicatesResolved, int gapsFilled)
            implements Serializable {
    }

    public Series(String id, int chunk, TimeGrid grid, float[] values, float[] features, int featureCount,
                  Scaler scaler, int validationPoints, double maseScale, Quality quality) {
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
        return new Series(id, chunk, grid, values, features, featureCount, other, validationPoints, maseScale,
                quality);
    }

    /** Points {@code [from, to)} as chunk {@code number}; it keeps the validation tail only if it ends the series. */
    public Series slice(int from, int to, int number) {
        return new Series(id, number, grid.from(from), Arrays.copyOfRange(values, from, to),
                Arrays.copyOfRange(features, from * featureCount, to * featureCount), featureCount, scaler,
                to == values.length ? validationPoints : 0, maseScale, quality);
    }

    /** Number of grid points. */
    public int length() {
        return values.length;
    }
}
