package org.sparkgru.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The best weights so far by validation MAE, with what early stopping and checkpoints need: the iteration and
 * metrics of the best validation, and how many validations have passed without improvement.
 */
final class BestSoFar {
    private static final ObjectMapper JSON = new ObjectMapper();

    private float[] weights;
    private double mae = Double.POSITIVE_INFINITY;
    private int iteration;
    private double[] metrics;
    private int sinceBest;

    BestSoFar(float[] initial) {
        weights = initial.clone();
    }

    /** Restores the bookkeeping saved by {@link #save} and the best weights of a checkpoint. */
    void restore(JsonNode info, float[] bestWeights) {
        weights = bestWeights;
        mae = info.get("bestMae").asDouble();
        iteration = info.get("bestIteration").asInt();
        sinceBest = info.get("sinceBest").asInt();
        metrics = info.has("bestMetrics") ? JSON.convertValue(info.get("bestMetrics"), double[].class) : null;
    }

    /**
     * Records the validation metrics {MAE, RMSE, sMAPE, MASE} of {@code params} at {@code it} into the metrics
     * line, and keeps a copy of the weights when the MAE improved.
     */
    void offer(int it, double[] m, float[] params, ObjectNode line) {
        line.put("valMAE", m[0]);
        line.put("valRMSE", m[1]);
        line.put("valSMAPE", m[2]);
        line.put("valMASE", m[3]);
        if (m[0] < mae) {
            mae = m[0];
            iteration = it;
            metrics = m;
            weights = params.clone();
            sinceBest = 0;
        } else {
            sinceBest++;
        }
    }

    /** Whether {@code patience} (> 0) validations in a row brought no improvement. */
    boolean exhausted(int patience) {
        return patience > 0 && sinceBest >= patience;
    }

    /** Writes the bookkeeping into checkpoint info. */
    void save(ObjectNode info) {
        info.put("bestMae", mae);
        info.put("bestIteration", iteration);
        info.put("sinceBest", sinceBest);
        if (metrics != null) {
            info.set("bestMetrics", JSON.valueToTree(metrics));
        }
    }

    float[] weights() {
        return weights;
    }

    int iteration() {
        return iteration;
    }

    double[] metrics() {
        return metrics;
    }
}
