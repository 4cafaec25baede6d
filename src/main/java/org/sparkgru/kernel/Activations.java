package org.sparkgru.kernel;

/**
 * Scalar float activations shared by every gate implementation, so that vector and scalar paths agree.
 *
 * <p>{@code tanh} is the odd/even rational approximation used by Eigen ({@code generic_fast_tanh_float}): a
 * 13th-degree odd numerator over a 6th-degree even denominator on inputs clamped to ±7.9053, accurate to a few
 * float ulps and free of {@code exp}, so it vectorizes to plain fused multiply-adds and one division.
 * {@code sigmoid(x) = 0.5 + 0.5 tanh(x / 2)}, which is exact algebra and never overflows.
 */
public final class Activations {
    static final float CLAMP = 7.90531110763549805f;
    static final float A1 = 4.89352455891786e-03f;
    static final float A3 = 6.37261928875436e-04f;
    static final float A5 = 1.48572235717979e-05f;
    static final float A7 = 5.12229709037114e-08f;
    static final float A9 = -8.60467152213735e-11f;
    static final float A11 = 2.00018790482477e-13f;
    static final float A13 = -2.76076847742355e-16f;
    static final float B0 = 4.89352518554385e-03f;
    static final float B2 = 2.26843463243900e-03f;
    static final float B4 = 1.18534705686654e-04f;
    static final float B6 = 1.19825839466702e-06f;

    /**
     * Gradients smaller than this are flushed to zero in the backward pass. Vanishing gradients of long windows
     * otherwise decay into subnormal floats, which x86 processes through microcode assists at a small fraction of
     * normal speed (measured: 10x slower steps at T = 168). C and CUDA kernels avoid this with the FTZ/DAZ bits,
     * which Java cannot set. At 1e-25 the flushed contributions are far below float32 resolution of any gradient
     * they could be added to.
     */
    public static final float FLUSH_BELOW = 1e-25f;

    private Activations() {
    }

    /** {@code x}, or 0 when {@code |x| < FLUSH_BELOW}. */
    public static float flush(float x) {
        return Math.abs(x) < FLUSH_BELOW ? 0f : x;
    }

    /** Hyperbolic tangent, float precision (see the class comment). */
    public static float tanh(float v) {
        float x = Math.max(-CLAMP, Math.min(CLAMP, v));
        float x2 = x * x;
        float p = Math.fma(x2, A13, A11);
        p = Math.fma(x2, p, A9);
        p = Math.fma(x2, p, A7);
        p = Math.fma(x2, p, A5);
        p = Math.fma(x2, p, A3);
        p = Math.fma(x2, p, A1);
        p = x * p;
        float q = Math.fma(x2, B6, B4);
        q = Math.fma(x2, q, B2);
        q = Math.fma(x2, q, B0);
        return p / q;
    }

    /** Logistic sigmoid {@code 1 / (1 + exp(-x))}, computed as {@code 0.5 + 0.5 tanh(x / 2)}. */
    public static float sigmoid(float v) {
        return Math.fma(0.5f, tanh(0.5f * v), 0.5f);
    }
}
