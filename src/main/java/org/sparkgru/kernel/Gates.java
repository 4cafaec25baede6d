package org.sparkgru.kernel;

/**
 * The elementwise part of one GRU time step, fused: bias add, gate nonlinearities, state update, and their
 * derivatives in the backward pass. Two implementations: {@link ScalarGates} and the Vector API one.
 *
 * <p>Conventions for every method: {@code rows} batch rows, hidden size {@code h}; gate blocks have leading
 * dimension {@code 3h} with columns {@code [r | z | n]}; hidden-state blocks have leading dimension {@code h};
 * {@code p} is the flat parameter array, read at the bias offsets given. The comments give the formulas per
 * element; {@code hp} is {@code h_{t-1}}.
 */
public interface Gates {

    /**
     * Reset-after forward step. In: {@code g} = x W (pre-activations), {@code gh} = h_{t-1} U (ld 3h, offset 0).
     * Out: {@code g} := [r, z, n], {@code aux} := U_n h_{t-1} + b_hn, {@code hs[hOut]} := h_t.
     */
    void forwardResetAfter(int rows, int h, float[] g, int gOff, float[] gh, float[] p, int bxOff, int bhOff,
                           float[] hs, int hPrevOff, int hOutOff, float[] aux, int auxOff);

    /**
     * Reset-before forward, first half. In: {@code g} = x W, {@code gh} = h_{t-1} U_rz (ld 2h, offset 0).
     * Out: {@code g[r,z]} := r, z and {@code aux} := r ⊙ h_{t-1}.
     */
    void forwardResetBeforeRZ(int rows, int h, float[] g, int gOff, float[] gh, float[] p, int bOff,
                              float[] hs, int hPrevOff, float[] aux, int auxOff);

    /**
     * Reset-before forward, second half. In: {@code ghn} = (r ⊙ h_{t-1}) U_n (ld h, offset 0).
     * Out: {@code g[n]} := n, {@code hs[hOut]} := h_t.
     */
    void forwardResetBeforeN(int rows, int h, float[] g, int gOff, float[] ghn, float[] p, int bOff,
                             float[] hs, int hPrevOff, int hOutOff);

    /**
     * Reset-after backward step. In: gates in {@code g}, {@code aux} = U_n h_{t-1} + b_hn, {@code dh} = dL/dh_t
     * (ld h, offset 0). Out: {@code g} := dL/d(pre-activations of x W) = [da_r, da_z, da_n],
     * {@code dgh} := dL/d(h_{t-1} U + b_h) = [da_r, da_z, da_n ⊙ r], {@code dhPrev} := dh ⊙ (1 - z)
     * (the recurrent product is added by the caller).
     */
    void backwardResetAfter(int rows, int h, float[] g, int gOff, float[] aux, int auxOff, float[] hs, int hPrevOff,
                            float[] dh, float[] dgh, int dghOff, float[] dhPrev);

    /**
     * Reset-before backward, first half. Out: {@code g[z]} := da_z, {@code g[n]} := da_n,
     * {@code dhPrev} := dh ⊙ (1 - z); {@code g[r]} still holds r.
     */
    void backwardResetBeforeZN(int rows, int h, float[] g, int gOff, float[] hs, int hPrevOff,
                               float[] dh, float[] dhPrev);

    /**
     * Reset-before backward, second half. In: {@code drh} = dL/d(r ⊙ h_{t-1}) = da_n U_n^T (ld h, offset 0).
     * Out: {@code g[r]} := da_r, {@code dhPrev} += drh ⊙ r.
     */
    void backwardResetBeforeR(int rows, int h, float[] g, int gOff, float[] hs, int hPrevOff,
                              float[] drh, float[] dhPrev);
}
