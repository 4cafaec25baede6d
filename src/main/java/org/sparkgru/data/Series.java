package org.sparkgru.data;

import java.io.Serializable;

/**
 * One assembled series on a regular time grid, as cached on the executors: the target and covariates as flat float
 * arrays (memory proportional to the raw data), the grid, the scaler fitted on the training part, and what data
 * cleaning did to it. Windows are never materialized: a sample is an offset into these arrays.
 *
 * <p>Layout: {@code values[t]} is the target at grid point {@code t}, {@code features[t * featureCount + f]} the
 * covariates. Time of grid point {@code t} is {@code start + t * step} in the units of {@link TimeKind}.
 */
public final class Series implements Serializable {
    private static final long serialVersionUID = 1L;

    public final String id;
    public final TimeKind timeKind;
    public final long start;
    public final long step;
    public final float[] values;
    public final float[] features;
    public final int featureCount;
    /** Per-series standardization of the target, fitted on the training part (mean 0, scale 1 when disabled). */
    public final float mean;
    public final float scale;
    /** Per-feature standardization, fitted on the training part. */
    public final float[] featureMean;
    public final float[] featureScale;
    public final Quality quality;

    /** What cleaning did to a series: counts per policy. */
    public record Quality(int droppedMissing, int interpolatedMissing, int duplicatesResolved, int gapsFilled)
            implements Serializable {
    }

    public Series(String id, TimeKind timeKind, long start, long step, float[] values, float[] features,
                  int featureCount, float mean, float scale, float[] featureMean, float[] featureScale,
                  Quality quality) {
        this.id = id;
        this.timeKind = timeKind;
        this.start = start;
        this.step = step;
        this.values = values;
        this.features = features;
        this.featureCount = featureCount;
        this.mean = mean;
        this.scale = scale;
        this.featureMean = featureMean;
        this.featureScale = featureScale;
        this.quality = quality;
    }

    /** The same series with other scalers (arrays shared). */
    public Series withScalers(float mean, float scale, float[] featureMean, float[] featureScale) {
        return new Series(id, timeKind, start, step, values, features, featureCount, mean, scale, featureMean,
                featureScale, quality);
    }

    /** Number of grid points. */
    public int length() {
        return values.length;
    }
}
