package org.sparkgru.kernel;

import java.util.Arrays;
import org.sparkgru.model.HeadType;
import org.sparkgru.model.NetworkSpec;
import org.sparkgru.model.ParameterLayout;
import org.sparkgru.model.Variant;

/**
 * Batched forward pass and full backpropagation through time (Werbos 1990) of a stacked GRU network with its head,
 * for one shape: up to {@code maxBatch} windows of exactly {@code window} steps.
 *
 * <p><b>Call order.</b> Fill {@link #input()} (and {@link #targets()}), then call {@link #forward} to get
 * predictions in {@link #output()}, or {@link #lossAndGradient} for forward, loss and backward in one go. One
 * instance per thread: it owns every buffer the two passes need, allocated once here and reused by every call, so
 * nothing is allocated per call or per time step.
 *
 * <p><b>Layouts</b> (row-major, time-major, batch {@code B <= maxBatch} per call):
 * <ul>
 *   <li>input: {@code [T][B][inputSize]}, element {@code ((t * B) + b) * inputSize + i};</li>
 *   <li>context (regression with {@code spec.context() = C > 0}): {@code [B][C]}, read by the head beside
 *       {@code h_T}: {@code y = [h_T | context] W + b};</li>
 *   <li>categories (regression with {@code K = spec.vocabularies().size() > 0} embedded inputs): {@code [B][K]} row
 *       indices; the concatenation of row {@code categories[b][k]} of every {@code embed.k} block, looked up in the
 *       parameters, fills the last {@code spec.embedded()} input columns of sample {@code b} at every step (the
 *       caller fills the others), and the gradient of those columns, summed over the steps, trains the rows.</li>
 *   <li>targets: regression {@code [B][outputs]}, classification {@code [B]} class indices;</li>
 *   <li>output: {@code [B][outputs]}.</li>
 * </ul>
 *
 * <p><b>Schedule</b> (as PyTorch's CPU RNN code): per layer, the input projection of all {@code T x B} rows in one
 * GEMM; per step one recurrent GEMM against the recurrent weights packed once per call (reset-before needs a second,
 * smaller one for the candidate, whose input {@code r ⊙ h} only exists after the gates); then the fused gate code
 * ({@link Gates}). Backward walks the steps in reverse with one (reset-after) or two (reset-before) GEMMs against
 * the packed transposed recurrent weights per step, storing the pre-activation gradients of all steps (bias
 * gradients are summed per step while those rows are in cache); the weight gradients and the gradient for the
 * layer below are then large GEMMs over all {@code T x B} rows.
 */
public final class Bptt {
    private final NetworkSpec spec;
    private final ParameterLayout layout;
    private final Sgemm gemm;
    private final Gates gates;
    private final int maxBatch;
    private final int window;
    private final boolean resetAfter;
    private final boolean backward;

    private final float[] input;
    private final float[] context;
    private final int[] categories;
    /** The looked-up embedding rows of the batch. [B, K E]. */
    private final float[] embedded;
    /** Backward: the gradient of the embedded input columns of every step. [T*B, K E]. */
    private final float[] dEmbedded;
    private final float[] targets;
    private final float[] output;
    private final float[] dy;
    private final float[] weights;
    /** Per layer: gate pre-activations, then activations [r|z|n], then (backward) their gradients. [T*B, 3H]. */
    private final float[][] g;
    /** Per layer: U_n h + b_hn (reset-after) or r ⊙ h_{t-1} (reset-before). [T*B, H]. */
    private final float[][] aux;
    /** Per layer: hidden states h_0 = 0, h_1..h_T. [(T+1)*B, H]. */
    private final float[][] hs;
    /** One step's recurrent product. [B, 3H]. */
    private final float[] gh;
    /** Reset-after: gradients w.r.t. h_{t-1} U + b_h of all steps. [T*B, 3H]. */
    private final float[] dgh;
    /** Gradient w.r.t. the outputs of the layer below. [T*B, H]. */
    private final float[] dx;
    private float[] dh;
    private float[] dhPrev;
    private final float[] drh;
    private final Sgemm.PackedB[] packed = new Sgemm.PackedB[2];

    /**
     * @param spec     the architecture
     * @param backend  the GEMM and gate implementations
     * @param maxBatch largest batch a call may use
     * @param window   number of time steps of every window
     */
    public Bptt(NetworkSpec spec, KernelBackend backend, int maxBatch, int window) {
        this(spec, backend, maxBatch, window, true);
    }

    /**
     * A workspace for {@link #forward} only (inference): none of the backward buffers are allocated, and
     * {@link #lossAndGradient} is refused.
     */
    public static Bptt forwardOnly(NetworkSpec spec, KernelBackend backend, int maxBatch, int window) {
        return new Bptt(spec, backend, maxBatch, window, false);
    }

    private Bptt(NetworkSpec spec, KernelBackend backend, int maxBatch, int window, boolean backward) {
        if (maxBatch < 1 || window < 1) {
            throw new IllegalArgumentException("batch and window must be at least 1, got " + maxBatch + ", " + window);
        }
        long rows = (long) maxBatch * window;
        long widest = rows * 3L * spec.hidden();
        if (widest > Integer.MAX_VALUE - 16 || rows * spec.inputSize() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("batch " + maxBatch + " x window " + window + " x 3 x hidden "
                    + spec.hidden() + " is too large for one workspace; use a smaller batch");
        }
        this.spec = spec;
        this.layout = new ParameterLayout(spec);
        this.gemm = backend.sgemm();
        this.gates = backend.gates();
        this.maxBatch = maxBatch;
        this.window = window;
        this.resetAfter = spec.variant() == Variant.RESET_AFTER;
        int h = spec.hidden();
        int tb = (int) rows;
        int o = spec.outputs();
        input = new float[tb * spec.inputSize()];
        context = new float[maxBatch * spec.context()];
        categories = new int[maxBatch * spec.vocabularies().size()];
        embedded = new float[maxBatch * spec.embedded()];
        dEmbedded = backward ? new float[tb * spec.embedded()] : null;
        targets = new float[maxBatch * o];
        output = new float[maxBatch * o];
        this.backward = backward;
        dy = backward ? new float[maxBatch * o] : null;
        weights = backward ? new float[maxBatch] : null;
        g = new float[spec.layers()][tb * 3 * h];
        aux = new float[spec.layers()][tb * h];
        hs = new float[spec.layers()][(tb + maxBatch) * h];
        gh = new float[maxBatch * 3 * h];
        dgh = backward && resetAfter ? new float[tb * 3 * h] : null;
        dx = backward && spec.layers() > 1 ? new float[tb * h] : null;
        dh = backward ? new float[maxBatch * h] : null;
        dhPrev = backward ? new float[maxBatch * h] : null;
        drh = backward && !resetAfter ? new float[maxBatch * h] : null;
    }

    public NetworkSpec spec() {
        return spec;
    }

    public ParameterLayout layout() {
        return layout;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public int window() {
        return window;
    }

    /** The input buffer to fill before a call: {@code [T][B][inputSize]} for the batch size of the call. */
    public float[] input() {
        return input;
    }

    /** The head's context buffer to fill before a call: {@code [B][context]} (empty without context). */
    public float[] context() {
        return context;
    }

    /**
     * The categorical inputs to fill before a call: {@code [B][K]}, each a row of its {@code embed.k} block
     * ({@code 0 <= categories[b][k] < spec.vocabularies().get(k)}; empty without embeddings).
     */
    public int[] categories() {
        return categories;
    }

    /** The target buffer: {@code [B][outputs]} values, or {@code [B]} class indices for classification. */
    public float[] targets() {
        return targets;
    }

    /** Per-sample loss weights {@code [B]}, read by weighted losses ({@link Loss#weighted()}); null for inference. */
    public float[] weights() {
        return weights;
    }

    /** Head outputs of the last forward pass, {@code [B][outputs]} (logits for classification). */
    public float[] output() {
        return output;
    }

    /** Forward pass over {@link #input()} for {@code batch} windows; results in {@link #output()}. */
    public void forward(float[] params, int batch) {
        checkCall(params, batch);
        if (spec.embedded() > 0) {
            lookUp(params, batch);
        }
        for (int l = 0; l < spec.layers(); l++) {
            forwardLayer(params, l, batch);
        }
        int h = spec.hidden();
        int o = spec.outputs();
        gemm.sgemm(false, false, batch, o, h, 1f, hs[spec.layers() - 1], window * batch * h, h,
                params, layout.headW(), o, 0f, output, 0, o);
        int c = spec.context();
        if (c > 0) {
            gemm.sgemm(false, false, batch, o, c, 1f, context, 0, c, params, layout.headW() + h * o, o, 1f,
                    output, 0, o);
        }
        int hb = layout.headB();
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < o; k++) {
                output[b * o + k] += params[hb + k];
            }
        }
    }

    /**
     * Forward, loss and backward for {@code batch} windows of {@link #input()} against {@link #targets()}.
     *
     * @param grad  gradient array with the parameters' layout; {@code scale x} the gradient of the summed loss is
     *              <em>added</em> to it (zero it first for a fresh gradient)
     * @param scale factor applied to the gradient: {@code 1 / batch} for the batch mean, 1 for a sum to aggregate
     * @return the sum over the batch of the per-sample losses
     */
    public double lossAndGradient(float[] params, int batch, Loss loss, float[] grad, float scale) {
        if (!backward) {
            throw new IllegalStateException("this workspace was made for inference (Bptt.forwardOnly)");
        }
        if (loss.classification() != (spec.head() == HeadType.CLASSIFICATION)) {
            throw new IllegalArgumentException("loss " + loss.kind().id() + " does not fit a "
                    + spec.head().id() + " head");
        }
        if (grad.length != layout.size()) {
            throw new IllegalArgumentException("gradient has " + grad.length + " elements, the network has "
                    + layout.size());
        }
        forward(params, batch);
        int o = spec.outputs();
        int h = spec.hidden();
        double sum = loss.apply(batch, o, output, targets, weights, scale, dy);
        int top = spec.layers() - 1;
        int last = window * batch * h;
        gemm.sgemm(true, false, h, o, batch, 1f, hs[top], last, h, dy, 0, o, 1f, grad, layout.headW(), o);
        int c = spec.context();
        if (c > 0) {
            gemm.sgemm(true, false, c, o, batch, 1f, context, 0, c, dy, 0, o, 1f, grad, layout.headW() + h * o, o);
        }
        addColumnSums(batch, o, dy, 0, o, grad, layout.headB());
        gemm.sgemm(false, true, batch, h, o, 1f, dy, 0, o, params, layout.headW(), o, 0f, dh, 0, h);
        for (int l = top; l >= 0; l--) {
            backwardLayer(params, l, batch, l < top, grad);
        }
        return sum;
    }

    /** Copies each sample's embedding rows into the last input columns of every step. */
    private void lookUp(float[] params, int batch) {
        int k = spec.vocabularies().size();
        int dim = spec.embeddingDim();
        int e = spec.embedded();
        int in = spec.inputSize();
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < k; j++) {
                int row = categories[b * k + j];
                if (row < 0 || row >= spec.vocabularies().get(j)) {
                    throw new IllegalArgumentException("category " + row + " of embedded input " + j + " outside 0.."
                            + (spec.vocabularies().get(j) - 1));
                }
                System.arraycopy(params, layout.embedding(j) + row * dim, embedded, (b * k + j) * dim, dim);
            }
            for (int t = 0; t < window; t++) {
                System.arraycopy(embedded, b * e, input, (t * batch + b) * in + in - e, e);
            }
        }
    }

    /**
     * The embeddings' gradient, from layer 0's pre-activation gradients {@code dg} {@code [T*B, 3H]}: the embedded
     * columns' gradient {@code dg W_x[in - KE.., :]^T} of every step, summed over the steps into the rows each sample
     * looked up (rows shared by samples accumulate).
     */
    private void embeddingGradient(float[] p, float[] dg, int batch, float[] grad) {
        int h = spec.hidden();
        int e = spec.embedded();
        int in = spec.inputSize();
        int k = spec.vocabularies().size();
        int dim = spec.embeddingDim();
        gemm.sgemm(false, true, window * batch, e, 3 * h, 1f, dg, 0, 3 * h, p, layout.wx(0) + (in - e) * 3 * h,
                3 * h, 0f, dEmbedded, 0, e);
        for (int t = 0; t < window; t++) {
            for (int b = 0; b < batch; b++) {
                int from = (t * batch + b) * e;
                for (int j = 0; j < k; j++) {
                    int to = layout.embedding(j) + categories[b * k + j] * dim;
                    for (int d = 0; d < dim; d++) {
                        grad[to + d] += dEmbedded[from + j * dim + d];
                    }
                }
            }
        }
    }

    private void checkCall(float[] params, int batch) {
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch " + batch + " outside 1.." + maxBatch);
        }
        if (params.length != layout.size()) {
            throw new IllegalArgumentException("parameter array has " + params.length + " elements, the network has "
                    + layout.size());
        }
    }

    private void forwardLayer(float[] p, int l, int batch) {
        int h = spec.hidden();
        int in = spec.layerInput(l);
        int tb = window * batch;
        float[] x = l == 0 ? input : hs[l - 1];
        int xOff = l == 0 ? 0 : batch * h;
        float[] gl = g[l];
        float[] hl = hs[l];
        float[] al = aux[l];
        gemm.sgemm(false, false, tb, 3 * h, in, 1f, x, xOff, in, p, layout.wx(l), 3 * h, 0f, gl, 0, 3 * h);
        Arrays.fill(hl, 0, batch * h, 0f);
        int wh = layout.wh(l);
        if (resetAfter) {
            Sgemm.PackedB u = packed[0] = gemm.packB(false, h, 3 * h, p, wh, 3 * h, packed[0]);
            for (int t = 0; t < window; t++) {
                int hPrev = t * batch * h;
                gemm.sgemmPacked(false, batch, 1f, hl, hPrev, h, u, 0f, gh, 0, 3 * h);
                gates.forwardResetAfter(batch, h, gl, t * batch * 3 * h, gh, p, layout.bx(l), layout.bh(l),
                        hl, hPrev, hPrev + batch * h, al, hPrev);
            }
        } else {
            Sgemm.PackedB urz = packed[0] = gemm.packB(false, h, 2 * h, p, wh, 3 * h, packed[0]);
            Sgemm.PackedB un = packed[1] = gemm.packB(false, h, h, p, wh + 2 * h, 3 * h, packed[1]);
            for (int t = 0; t < window; t++) {
                int hPrev = t * batch * h;
                int gOff = t * batch * 3 * h;
                gemm.sgemmPacked(false, batch, 1f, hl, hPrev, h, urz, 0f, gh, 0, 2 * h);
                gates.forwardResetBeforeRZ(batch, h, gl, gOff, gh, p, layout.bx(l), hl, hPrev, al, hPrev);
                gemm.sgemmPacked(false, batch, 1f, al, hPrev, h, un, 0f, gh, 0, h);
                gates.forwardResetBeforeN(batch, h, gl, gOff, gh, p, layout.bx(l), hl, hPrev, hPrev + batch * h);
            }
        }
    }

    /**
     * Backward through layer {@code l}. On entry {@link #dh} holds dL/dh_T from the head (top layer); for lower
     * layers {@link #dx} holds dL/d(outputs) of every step, from the layer above.
     */
    private void backwardLayer(float[] p, int l, int batch, boolean fromAbove, float[] grad) {
        int h = spec.hidden();
        int in = spec.layerInput(l);
        int tb = window * batch;
        int bh = batch * h;
        float[] gl = g[l];
        float[] hl = hs[l];
        float[] al = aux[l];
        int wh = layout.wh(l);
        if (fromAbove) {
            System.arraycopy(dx, (window - 1) * bh, dh, 0, bh);
        }
        Sgemm.PackedB ut;
        Sgemm.PackedB unt = null;
        if (resetAfter) {
            ut = packed[0] = gemm.packB(true, 3 * h, h, p, wh, 3 * h, packed[0]);
        } else {
            ut = packed[0] = gemm.packB(true, 2 * h, h, p, wh, 3 * h, packed[0]);
            unt = packed[1] = gemm.packB(true, h, h, p, wh + 2 * h, 3 * h, packed[1]);
        }
        for (int t = window - 1; t >= 0; t--) {
            int hPrev = t * bh;
            int gOff = t * batch * 3 * h;
            if (fromAbove && t < window - 1) {
                for (int i = 0; i < bh; i++) {
                    dh[i] += dx[hPrev + i];
                }
            }
            if (resetAfter) {
                gates.backwardResetAfter(batch, h, gl, gOff, al, hPrev, hl, hPrev, dh, dgh, gOff, dhPrev);
                addColumnSums(batch, 3 * h, dgh, gOff, 3 * h, grad, layout.bh(l));
                if (t > 0) {
                    gemm.sgemmPacked(false, batch, 1f, dgh, gOff, 3 * h, ut, 1f, dhPrev, 0, h);
                }
            } else {
                gates.backwardResetBeforeZN(batch, h, gl, gOff, hl, hPrev, dh, dhPrev);
                gemm.sgemmPacked(false, batch, 1f, gl, gOff + 2 * h, 3 * h, unt, 0f, drh, 0, h);
                gates.backwardResetBeforeR(batch, h, gl, gOff, hl, hPrev, drh, dhPrev);
                if (t > 0) {
                    gemm.sgemmPacked(false, batch, 1f, gl, gOff, 3 * h, ut, 1f, dhPrev, 0, h);
                }
            }
            addColumnSums(batch, 3 * h, gl, gOff, 3 * h, grad, layout.bx(l));
            float[] swap = dh;
            dh = dhPrev;
            dhPrev = swap;
        }
        float[] x = l == 0 ? input : hs[l - 1];
        int xOff = l == 0 ? 0 : bh;
        gemm.sgemm(true, false, in, 3 * h, tb, 1f, x, xOff, in, gl, 0, 3 * h, 1f, grad, layout.wx(l), 3 * h);
        if (resetAfter) {
            gemm.sgemm(true, false, h, 3 * h, tb, 1f, hl, 0, h, dgh, 0, 3 * h, 1f, grad, wh, 3 * h);
        } else {
            gemm.sgemm(true, false, h, 2 * h, tb, 1f, hl, 0, h, gl, 0, 3 * h, 1f, grad, wh, 3 * h);
            gemm.sgemm(true, false, h, h, tb, 1f, al, 0, h, gl, 2 * h, 3 * h, 1f, grad, wh + 2 * h, 3 * h);
        }
        if (l > 0) {
            gemm.sgemm(false, true, tb, in, 3 * h, 1f, gl, 0, 3 * h, p, layout.wx(l), 3 * h, 0f, dx, 0, h);
        } else if (spec.embedded() > 0) {
            embeddingGradient(p, gl, batch, grad);
        }
    }

    /** {@code dst[dOff + j] += Σ_i src[off + i * ld + j]} for {@code j < cols}. */
    private static void addColumnSums(int rows, int cols, float[] src, int off, int ld, float[] dst, int dOff) {
        for (int i = 0; i < rows; i++) {
            int r = off + i * ld;
            for (int j = 0; j < cols; j++) {
                dst[dOff + j] += src[r + j];
            }
        }
    }
}
