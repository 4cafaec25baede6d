package org.sparkgru.data;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * {@code data.scaling = global}: one mean and standard deviation for the target and one per covariate, over the
 * training parts (all but the last {@code horizon} points) of all series. Partial sums are computed per partition
 * and added on the driver in partition order, so the result does not depend on task timing.
 *
 * @param mean         target mean
 * @param scale        target standard deviation (1 when it is 0)
 * @param featureMean  per covariate
 * @param featureScale per covariate (1 when 0)
 */
public record GlobalScaler(float mean, float scale, float[] featureMean, float[] featureScale)
        implements java.io.Serializable {

    /** Fits the scaler on the training parts of {@code series}. */
    public static GlobalScaler fit(JavaRDD<Series> series, int horizon, int features) {
        List<double[]> parts = series.mapPartitions(it -> {
            double[] a = new double[3 * (1 + features)];
            while (it.hasNext()) {
                Series s = it.next();
                int train = s.length() - s.validationPoints;
                for (int t = 0; t < train; t++) {
                    add(a, 0, s.values[t]);
                    for (int f = 0; f < features; f++) {
                        add(a, 3 * (1 + f), s.features[t * features + f]);
                    }
                }
            }
            return List.of(a).iterator();
        }).collect();
        double[] sum = new double[3 * (1 + features)];
        for (double[] p : parts) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += p[i];
            }
        }
        float[] ms = stats(sum, 0);
        float[] fMean = new float[features];
        float[] fScale = new float[features];
        for (int f = 0; f < features; f++) {
            float[] fs = stats(sum, 3 * (1 + f));
            fMean[f] = fs[0];
            fScale[f] = fs[1];
        }
        return new GlobalScaler(ms[0], ms[1], fMean, fScale);
    }

    private static void add(double[] a, int off, float v) {
        a[off] += v;
        a[off + 1] += (double) v * v;
        a[off + 2]++;
    }

    private static float[] stats(double[] a, int off) {
        double n = Math.max(1, a[off + 2]);
        double mean = a[off] / n;
        double var = Math.max(0, a[off + 1] / n - mean * mean);
        double sd = Math.sqrt(var);
        return new float[] {(float) mean, sd > 1e-12 * Math.max(1, Math.abs(mean)) ? (float) sd : 1f};
    }

    /** {@code series} with this scaler. */
    public JavaRDD<Series> apply(JavaRDD<Series> series) {
        GlobalScaler g = this;
        return series.map(s -> s.withScalers(g.mean, g.scale, g.featureMean, g.featureScale));
    }
}
