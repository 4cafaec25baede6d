package org.sparkgru.model;

import org.sparkgru.Choice;

/**
 * The two GRU cell formulations (Cho et al. 2014, "Learning Phrase Representations using RNN Encoder-Decoder").
 *
 * <ul>
 *   <li>{@link #RESET_BEFORE} (the default): {@code h~ = tanh(W_h x + U_h (r ⊙ h_{t-1}) + b_h)}, one bias per gate.</li>
 *   <li>{@link #RESET_AFTER}: {@code h~ = tanh(W_h x + b_hx + r ⊙ (U_h h_{t-1} + b_hh))}, separate input and
 *       recurrent biases, as in PyTorch, Keras ({@code reset_after=True}), cuDNN and ONNX
 *       ({@code linear_before_reset=1}).</li>
 * </ul>
 * Both update the state as {@code h_t = (1 - z) ⊙ h_{t-1} + z ⊙ h~}.
 */
public enum Variant implements Choice {
    RESET_BEFORE,
    RESET_AFTER;

    /** Parses {@code reset-before} or {@code reset-after}; any other value is an error naming the allowed ones. */
    public static Variant parse(String s) {
        return Choice.parse(values(), s, "GRU variant");
    }
}
