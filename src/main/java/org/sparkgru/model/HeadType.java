package org.sparkgru.model;

import org.sparkgru.Choice;

/**
 * The layer on top of the last hidden state {@code h_T} of the top GRU layer.
 *
 * <ul>
 *   <li>{@link #REGRESSION}: dense {@code y = h_T V + c} with {@code horizon x targets} outputs, ordered step-major
 *       (output {@code s * targets + k} is step {@code s + 1} of output {@code k} of a step: the point forecast, or
 *       quantile {@code k} of the forecast quantiles): direct multi-step forecasting.</li>
 *   <li>{@link #CLASSIFICATION}: dense logits over {@code classes}, softmax in the loss.</li>
 * </ul>
 */
public enum HeadType implements Choice {
    REGRESSION,
    CLASSIFICATION;

    /** Parses {@code regression} or {@code classification}. */
    public static HeadType parse(String s) {
        return Choice.parse(values(), s, "head type");
    }
}
