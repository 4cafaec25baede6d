package org.sparkgru.model;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A network and its weights: the architecture, the flat parameter array in {@link ParameterLayout} order, and a
 * JSON object of data-side metadata (schema, scalers, configuration, training summary) that the trainer fills and
 * the model files carry unchanged.
 *
 * @param spec     architecture
 * @param params   parameters, {@code new ParameterLayout(spec).size()} floats
 * @param metadata free-form JSON object (never null)
 */
public record GruModel(NetworkSpec spec, float[] params, ObjectNode metadata) {

    public GruModel {
        int expected = new ParameterLayout(spec).size();
        if (params.length != expected) {
            throw new IllegalArgumentException("the network needs " + expected + " parameters, got " + params.length);
        }
        if (metadata == null) {
            metadata = JsonNodeFactory.instance.objectNode();
        }
    }

    /** A model with empty metadata. */
    public static GruModel of(NetworkSpec spec, float[] params) {
        return new GruModel(spec, params, null);
    }
}
