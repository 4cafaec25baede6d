package org.sparkgru.training;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The best weights so far by validation MAE, with what early stopping and checkpoints need: the iteration and
 * metrics of the best validation, and how many validations have passed without improvement.
 */
final class BestSoFar {
    private float[] weights;
    private double mae;
    private int iteration;
    private Validation metrics;
    private int sinceBest;

    /** Starts from a checkpoint's record, or from the initial weights when {@code saved} is null. */
    BestSoFar(TrainingState.Best saved, float[] initial) {
        if (saved == null) {
            weights = initial.clone();
            mae = Double.POSITIVE_INFINITY;
        } else {
            weights = saved.weights();
            mae = saved.mae();
            iteration = saved.iteration();
            sinceBest = saved.sinceBest();
            metrics = saved.metrics();
        }
    }

    /**
     * Records the validation metrics of {@code params} at {@code it} into the metrics line, and keeps a copy of the
     * weights when the MAE improved.
     */
    void offer(int it, Validation v, float[] params, ObjectNode line) {
        line.put("valMAE", v.mae());
        line.put("valRMSE", v.rmse());
        line.put("valSMAPE", v.smape());
        line.put("valMASE", v.mase());
        if (v.mae() < mae) {
            mae = v.mae();
            iteration = it;
            metrics = v;
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

    /** The record a checkpoint saves. */
    TrainingState.Best save() {
        return new TrainingState.Best(weights, mae, iteration, sinceBest, metrics);
    }

    float[] weights() {
        return weights;
    }

    int iteration() {
        return iteration;
    }

    /** The best validation, or null before the first one. */
    Validation metrics() {
        return metrics;
    }
}
