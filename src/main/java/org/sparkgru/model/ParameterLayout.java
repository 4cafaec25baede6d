package org.sparkgru.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where every parameter block lives in the single flat {@code float[]} that holds a network (and, with the same
 * layout, its gradient): the array the trainer broadcasts and aggregates, as in Spark's {@code ml.ann}.
 *
 * <p>Blocks in order, all row-major, gate columns ordered {@code [r | z | n]} (reset, update, candidate):
 * <pre>
 * for each layer l = 0..L-1 (in_l = inputSize for l = 0, hidden otherwise):
 *   gru.l.w_x   [in_l, 3H]   input weights: x W gives the three gate pre-activations
 *   gru.l.w_h   [H, 3H]      recurrent weights
 *   reset-before: gru.l.b    [3H]   one bias per gate
 *   reset-after:  gru.l.b_x  [3H]   input bias,  gru.l.b_h [3H] recurrent bias (b_hn sits inside r ⊙ (...))
 * head.w  [H + C, O]   head weights (O = horizon x targets or classes; rows H.. read the C context inputs)
 * head.b  [O]      head bias
 * for each categorical input k = 0..K-1 (V_k its vocabulary, E the embedding width):
 *   embed.k [V_k, E]  embedding rows; the chosen one is layer 0's input columns in - K E + k E .., every step
 * </pre>
 * The names are the tensor names of the model's safetensors file, whose data is this array in this order.
 */
public final class ParameterLayout {

    /** One named block: {@code size} floats from {@code offset}, logically shaped {@code shape}. */
    public record Block(String name, int offset, int[] shape) {
        /** Number of floats. */
        public int size() {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final NetworkSpec spec;
    private final int[] wx;
    private final int[] wh;
    private final int[] bx;
    private final int[] bh;
    private final int headW;
    private final int headB;
    private final int[] embed;
    private final int size;
    private final List<Block> blocks;

    public ParameterLayout(NetworkSpec spec) {
        this.spec = spec;
        int layers = spec.layers();
        int h = spec.hidden();
        wx = new int[layers];
        wh = new int[layers];
        bx = new int[layers];
        bh = new int[layers];
        List<Block> list = new ArrayList<>();
        int off = 0;
        for (int l = 0; l < layers; l++) {
            int in = spec.layerInput(l);
            wx[l] = off;
            list.add(new Block("gru." + l + ".w_x", off, new int[] {in, 3 * h}));
            off += in * 3 * h;
            wh[l] = off;
            list.add(new Block("gru." + l + ".w_h", off, new int[] {h, 3 * h}));
            off += h * 3 * h;
            bx[l] = off;
            if (spec.variant() == Variant.RESET_AFTER) {
                list.add(new Block("gru." + l + ".b_x", off, new int[] {3 * h}));
                off += 3 * h;
                bh[l] = off;
                list.add(new Block("gru." + l + ".b_h", off, new int[] {3 * h}));
            } else {
                bh[l] = -1;
                list.add(new Block("gru." + l + ".b", off, new int[] {3 * h}));
            }
            off += 3 * h;
        }
        int o = spec.outputs();
        headW = off;
        int rows = spec.headInput();
        list.add(new Block("head.w", off, new int[] {rows, o}));
        off += rows * o;
        headB = off;
        list.add(new Block("head.b", off, new int[] {o}));
        off += o;
        embed = new int[spec.vocabularies().size()];
        for (int k = 0; k < embed.length; k++) {
            embed[k] = off;
            int v = spec.vocabularies().get(k);
            list.add(new Block("embed." + k, off, new int[] {v, spec.embeddingDim()}));
            off += v * spec.embeddingDim();
        }
        size = off;
        blocks = Collections.unmodifiableList(list);
    }

    /** Number of parameters of a network with these sizes (in a long, for validation before any allocation). */
    static long count(int inputSize, int hidden, int layers, Variant variant, long outputs, int context,
                      List<Integer> vocabularies, int embeddingDim) {
        long h3 = 3L * hidden;
        long biases = variant == Variant.RESET_AFTER ? 2 * h3 : h3;
        long total = inputSize * h3 + hidden * h3 + biases;
        total += (layers - 1) * (hidden * h3 + hidden * h3 + biases);
        long rows = vocabularies.stream().mapToLong(Integer::longValue).sum();
        return total + (hidden + (long) context) * outputs + outputs + rows * embeddingDim;
    }

    public NetworkSpec spec() {
        return spec;
    }

    /** Total number of floats. */
    public int size() {
        return size;
    }

    /** Offset of {@code gru.l.w_x}. */
    public int wx(int l) {
        return wx[l];
    }

    /** Offset of {@code gru.l.w_h}. */
    public int wh(int l) {
        return wh[l];
    }

    /** Offset of the input bias ({@code gru.l.b} or {@code gru.l.b_x}). */
    public int bx(int l) {
        return bx[l];
    }

    /** Offset of the recurrent bias {@code gru.l.b_h} (reset-after), or -1 (reset-before). */
    public int bh(int l) {
        return bh[l];
    }

    /** Offset of {@code head.w}. */
    public int headW() {
        return headW;
    }

    /** Offset of {@code head.b}. */
    public int headB() {
        return headB;
    }

    /** Offset of {@code embed.k}, the embedding rows of categorical input {@code k}. */
    public int embedding(int k) {
        return embed[k];
    }

    /** All blocks in array order. */
    public List<Block> blocks() {
        return blocks;
    }
}
