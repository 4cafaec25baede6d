package org.sparkgru.model;

/**
 * The architecture of a network: stacked GRU layers and a head. Immutable and validated on construction.
 *
 * <p>Shapes: the input of one sample is a window of {@code T} steps of {@code inputSize} features (target lags,
 * covariates, calendar features); every GRU layer has {@code hidden} units; layer 0 reads {@code inputSize}
 * features, layer {@code l > 0} reads the {@code hidden} outputs of layer {@code l - 1}. The head reads the last
 * hidden state of the top layer, followed by {@code context} values per sample (the known-future covariates of
 * the forecast steps, {@code data.futureFeatures}; 0 for none), and produces {@link #outputs()} values. The last
 * {@link #embedded()} of the {@code inputSize} features of every step are learned embeddings that the network looks
 * up itself: one row of {@code embeddingDim} values per categorical input (input {@code k} has
 * {@code vocabularies.get(k)} rows; the categorical static covariates), the same at every step, so that the
 * recurrence, not only the head, can depend on them. The window length is not part of the architecture: any
 * {@code T >= 1} can be run.
 *
 * @param inputSize features per time step, at least 1, of which the last {@link #embedded()} are embeddings
 * @param hidden    hidden units per layer, at least 1
 * @param layers    number of stacked GRU layers, at least 1
 * @param variant   cell formulation
 * @param head      head type
 * @param horizon   forecast steps (regression; 0 for classification)
 * @param targets   outputs per forecast step (regression: 1, or the number of forecast quantiles; 0 for
 *                  classification)
 * @param classes   number of classes (classification, at least 2; 0 for regression)
 * @param context   extra inputs of the head per sample, read beside {@code h_T} (regression only; 0 for none)
 * @param vocabularies embedding rows per categorical input (regression only; empty for none)
 * @param embeddingDim values per embedding row (0 without categorical inputs)
 */
public record NetworkSpec(int inputSize, int hidden, int layers, Variant variant, HeadType head,
                          int horizon, int targets, int classes, int context, java.util.List<Integer> vocabularies,
                          int embeddingDim) implements java.io.Serializable {

    /** Largest accepted size of any dimension, so that every derived array length stays far below 2^31. */
    public static final int MAX_DIM = 1 << 16;

    public NetworkSpec {
        positive("inputSize", inputSize);
        positive("hidden", hidden);
        positive("layers", layers);
        if (variant == null || head == null) {
            throw new IllegalArgumentException("variant and head type are required");
        }
        if (head == HeadType.REGRESSION) {
            positive("horizon", horizon);
            positive("targets", targets);
            if (classes != 0) {
                throw new IllegalArgumentException("classes must be 0 for a regression head, got " + classes);
            }
            if (context < 0 || context > MAX_DIM) {
                throw new IllegalArgumentException("context must be between 0 and " + MAX_DIM + ", got " + context);
            }
            if (vocabularies == null || vocabularies.size() > 256) {
                throw new IllegalArgumentException("at most 256 embedded inputs, got " + vocabularies);
            }
            for (int v : vocabularies) {
                positive("vocabulary", v);
            }
            if (vocabularies.isEmpty() ? embeddingDim != 0 : embeddingDim < 1 || embeddingDim > 1024) {
                throw new IllegalArgumentException("embeddingDim must be 1 to 1024 with embedded inputs and 0"
                        + " without, got " + embeddingDim + " for " + vocabularies.size());
            }
            if ((long) vocabularies.size() * embeddingDim >= inputSize) {
                throw new IllegalArgumentException("inputSize " + inputSize + " must exceed the "
                        + vocabularies.size() * embeddingDim + " embedded inputs");
            }
        } else {
            if (classes < 2 || classes > MAX_DIM) {
                throw new IllegalArgumentException("classes must be between 2 and " + MAX_DIM + ", got " + classes);
            }
            if (horizon != 0 || targets != 0 || context != 0 || !vocabularies.isEmpty() || embeddingDim != 0) {
                throw new IllegalArgumentException("horizon, targets, context and embeddings must be 0 for a"
                        + " classification head");
            }
        }
        vocabularies = java.util.List.copyOf(vocabularies);
        long params = ParameterLayout.count(inputSize, hidden, layers, variant, head == HeadType.REGRESSION
                ? (long) horizon * targets : classes, context, vocabularies, embeddingDim);
        if (params > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("the network would have " + params
                    + " parameters, more than one Java array can hold; reduce hidden or layers");
        }
    }

    /** A direct multi-step regression network with {@code horizon x targets} outputs, step-major. */
    public static NetworkSpec regression(int inputSize, int hidden, int layers, Variant variant,
                                         int horizon, int targets) {
        return regression(inputSize, hidden, layers, variant, horizon, targets, 0);
    }

    /** As above, with {@code context} head inputs beside {@code h_T} (the known-future covariates). */
    public static NetworkSpec regression(int inputSize, int hidden, int layers, Variant variant,
                                         int horizon, int targets, int context) {
        return regression(inputSize, hidden, layers, variant, horizon, targets, context, java.util.List.of(), 0);
    }

    /**
     * As above, with {@code embeddingDim} learned values per categorical input at the end of every step's
     * {@code inputSize} features, input {@code k} choosing one of {@code vocabularies.get(k)} rows (the categorical
     * static covariates).
     */
    public static NetworkSpec regression(int inputSize, int hidden, int layers, Variant variant, int horizon,
                                         int targets, int context, java.util.List<Integer> vocabularies,
                                         int embeddingDim) {
        return new NetworkSpec(inputSize, hidden, layers, variant, HeadType.REGRESSION, horizon, targets, 0, context,
                vocabularies, embeddingDim);
    }

    /** A sequence classification network over {@code classes} classes. */
    public static NetworkSpec classification(int inputSize, int hidden, int layers, Variant variant, int classes) {
        return new NetworkSpec(inputSize, hidden, layers, variant, HeadType.CLASSIFICATION, 0, 0, classes, 0,
                java.util.List.of(), 0);
    }

    /** Outputs of the head: {@code horizon * targets} or {@code classes}. */
    public int outputs() {
        return head == HeadType.REGRESSION ? horizon * targets : classes;
    }

    /** Input width of the head: {@code hidden + context}. */
    public int headInput() {
        return hidden + context;
    }

    /** Features per step that are embedding values, the last ones: {@code vocabularies.size() x embeddingDim}. */
    public int embedded() {
        return vocabularies.size() * embeddingDim;
    }

    /** Input width of layer {@code l}. */
    public int layerInput(int l) {
        return l == 0 ? inputSize : hidden;
    }

    private static void positive(String name, int v) {
        if (v < 1 || v > MAX_DIM) {
            throw new IllegalArgumentException(name + " must be between 1 and " + MAX_DIM + ", got " + v);
        }
    }
}
