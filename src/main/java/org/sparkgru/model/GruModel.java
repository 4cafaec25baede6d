package org.sparkgru.model;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A network and its weights: the architecture, the flat parameter array in {@link ParameterLayout} order, and a
 * JSON object of data-side metadata (schema, scalers, configuration, training summary) that the trainer fills and
 * the model files carry unchanged.
 *
 * @param spec     architecture
 * @param params   parameters: {@code new ParameterLayout(spec).size()} floats per member of the {@link Ensemble}
 *                 (one member for a single network)
 * @param metadata free-form JSON object (never null)
 */
public record GruModel(NetworkSpec spec, float[] params, ObjectNode metadata) {

    public GruModel {
        if (Ensemble.members(spec, params.length) < 1) {
            throw new IllegalArgumentException("the network needs a multiple of " + new ParameterLayout(spec).size()
                    + " parameters (one set per ensemble member, at most " + Ensemble.MAX_MEMBERS + "), got "
                    + params.length);
        }
        if (metadata == null) {
            metadata = JsonNodeFactory.instance.objectNode();
        }
    }

    /** The number of networks in {@link #params}: 1, or {@code model.ensemble}. */
    public int members() {
        return Ensemble.members(spec, params.length);
    }

    /** A model with empty metadata. */
    public static GruModel of(NetworkSpec spec, float[] params) {
        return new GruModel(spec, params, null);
    }
}
