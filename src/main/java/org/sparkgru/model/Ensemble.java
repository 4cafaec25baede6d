package org.sparkgru.model;

/**
 * {@code K} networks of one architecture in one flat parameter array, as Spark's {@code ml.ann} keeps every layer
 * in one vector: member {@code m} owns {@code [m P, (m + 1) P)} with {@code P = new ParameterLayout(spec).size()},
 * each slice in {@link ParameterLayout} order. One array is broadcast and one gradient sum aggregated per
 * iteration, whatever {@code K}; the members train on the same windows and differ by their initialization (member
 * {@code m} from seed {@code seed + m}, so member 0 of any ensemble is the single network of the same seed).
 * Forecasts combine the members by the median (Lakshminarayanan et al. 2017, "Simple and scalable predictive
 * uncertainty estimation using deep ensembles"; the median is robust to one member that trained badly).
 */
public final class Ensemble {
    /** The largest {@code model.ensemble}. */
    public static final int MAX_MEMBERS = 64;

    private Ensemble() {
    }

    /** The members a parameter array of {@code length} floats holds for {@code spec}, or -1 if it is no multiple. */
    public static int members(NetworkSpec spec, int length) {
        int p = new ParameterLayout(spec).size();
        return length % p == 0 && length / p >= 1 && length / p <= MAX_MEMBERS ? length / p : -1;
    }

    /** {@code members} networks for {@code spec}, member {@code m} initialized by Keras' scheme from {@code seed + m}. */
    public static float[] keras(NetworkSpec spec, long seed, int members) {
        int p = new ParameterLayout(spec).size();
        float[] all = new float[members * p];
        for (int m = 0; m < members; m++) {
            System.arraycopy(Initializer.keras(spec, seed + m), 0, all, m * p, p);
        }
        return all;
    }

    /** The name of a member's tensor in the model files: the block name, prefixed by {@code members.m.} when K > 1. */
    public static String tensorName(int members, int member, String block) {
        return members == 1 ? block : "members." + member + "." + block;
    }

    /**
     * The median of {@code values[0 .. k)} (the mean of the two middle values for even {@code k}), sorting the
     * prefix in place.
     */
    public static float median(float[] values, int k) {
        java.util.Arrays.sort(values, 0, k);
        return (k & 1) == 1 ? values[k / 2] : (values[k / 2 - 1] + values[k / 2]) / 2;
    }
}
