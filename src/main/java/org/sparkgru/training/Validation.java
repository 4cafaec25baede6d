package org.sparkgru.training;

import org.sparkgru.metrics.ErrorSums;

/**
 * The validation metrics of one set of weights, over the validation windows of all series, in the original scale
 * ({@link ErrorSums}' definitions).
 *
 * @param mae   mean absolute error
 * @param rmse  root mean squared error
 * @param smape sMAPE in percent
 * @param mase  mean of the series' MASE (seasonal-naive scale)
 */
public record Validation(double mae, double rmse, double smape, double mase) {

    static Validation of(ErrorSums sums) {
        return new Validation(sums.mae(), sums.rmse(), sums.smape(), sums.mase());
    }

    /** {MAE, RMSE, sMAPE, MASE}, as checkpoints store them. */
    double[] toArray() {
        return new double[] {mae, rmse, smape, mase};
    }

    /** {@code MAE 36.39 RMSE 45.06 sMAPE 6.065 MASE 0.9932}, as the log shows them. */
    String describe() {
        return "MAE " + MinibatchStep.fmt(mae) + " RMSE " + MinibatchStep.fmt(rmse) + " sMAPE "
                + MinibatchStep.fmt(smape) + " MASE " + MinibatchStep.fmt(mase);
    }

    static Validation fromArray(double[] m) {
        return new Validation(m[0], m[1], m[2], m[3]);
    }
}
