package org.sparkgru.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.sparkgru.config.TargetTransform;

/**
 * The one scaler type: the target's {@code mean} and {@code scale} and each covariate's, so that the network sees
 * {@code (v - mean) / scale}. Fitted per series ({@code data.scaling = series}, {@code window} for covariates) or over
 * all series ({@code global}) by the one standardization routine, {@link #standardize}: the mean, then the
 * population standard deviation around it; a constant column gets scale 1.
 *
 * @param mean         target mean
 * @param scale        target scale (> 0)
 * @param featureMean  per covariate
 * @param featureScale per covariate (> 0)
 */
public record Scaler(float mean, float scale, float[] featureMean, float[] featureScale) implements Serializable {

    /** No scaling: mean 0, scale 1 for the target and {@code features} covariates. */
    public static Scaler identity(int features) {
        float[] ones = new float[features];
        Arrays.fill(ones, 1f);
        return new Scaler(0f, 1f, new float[features], ones);
    }

    /** This scaler with the target left unscaled (mean 0, scale 1): the target is scaled per window at use. */
    public Scaler withoutTarget() {
        return new Scaler(0f, 1f, featureMean, featureScale);
    }

    /** {mean, scale} of the first {@code count} values of a strided column. */
    static float[] fit(float[] a, int off, int stride, int count) {
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += a[off + i * stride];
        }
        double mean = sum / count;
        double ss = 0;
        for (int i = 0; i < count; i++) {
            double d = a[off + i * stride] - mean;
            ss += d * d;
        }
        return standardize(mean, ss, count);
    }

    /**
     * The standardization routine: {mean, standard deviation} from a mean and the sum of squared deviations around
     * it over {@code count} values; the deviation is 1 when it is negligible against the mean (a constant column).
     */
    static float[] standardize(double mean, double squaredDeviations, double count) {
        double sd = Math.sqrt(squaredDeviations / count);
        if (!(sd > 1e-12 * Math.max(1, Math.abs(mean)))) {
            sd = 1;
        }
        return new float[] {(float) mean, (float) sd};
    }

    /**
     * {@code data.scaling = global}: one scaler over the training parts (all but the validation points) of all
     * series, in two passes (means, then squared deviations) whose per-partition sums are added on the driver in
     * partition order, so that the result does not depend on task timing; the target's over its
     * {@code transform}ed values.
     */
    public static Scaler fitGlobal(JavaRDD<Series> series, int features, TargetTransform transform) {
        double[] sums = sumByColumn(series, features, null, transform);
        double n = Math.max(1, sums[1 + features]);
        double[] means = new double[1 + features];
        for (int c = 0; c <= features; c++) {
            means[c] = sums[c] / n;
        }
        double[] ss = sumByColumn(series, features, means, transform);
        float[] target = standardize(means[0], ss[0], n);
        float[] fMean = new float[features];
        float[] fScale = new float[features];
        for (int f = 0; f < features; f++) {
            float[] fs = standardize(means[1 + f], ss[1 + f], n);
            fMean[f] = fs[0];
            fScale[f] = fs[1];
        }
        return new Scaler(target[0], target[1], fMean, fScale);
    }

    /**
     * Per column (target, then covariates) over all training parts: the sum of the values when {@code means} is
     * null, else the sum of squared deviations from {@code means}; the last slot counts the points.
     */
    private static double[] sumByColumn(JavaRDD<Series> series, int features, double[] means,
                                        TargetTransform transform) {
        List<double[]> parts = series.mapPartitions(it -> {
            double[] a = new double[2 + features];
            while (it.hasNext()) {
                Series s = it.next();
                int train = s.length() - s.validationPoints;
                for (int t = 0; t < train; t++) {
                    a[0] += term(transform.apply(s.values[t]), means, 0);
                    for (int f = 0; f < features; f++) {
                        a[1 + f] += term(s.features[t * features + f], means, 1 + f);
                    }
                }
                a[1 + features] += train;
            }
            return List.of(a).iterator();
        }).collect();
        double[] sum = new double[2 + features];
        for (double[] p : parts) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += p[i];
            }
        }
        return sum;
    }

    private static double term(float v, double[] means, int column) {
        if (means == null) {
            return v;
        }
        double d = v - means[column];
        return d * d;
    }

    /** {@code series} with this scaler. */
    public JavaRDD<Series> apply(JavaRDD<Series> series) {
        Scaler g = this;
        return series.map(s -> s.withScaler(g));
    }
}
