package org.sparkgru.config;

import org.sparkgru.Choice;

/** {@code jobs/export.sh --format}: the frameworks a model exports to. */
public enum ExportFormat implements Choice {
    /** A PyTorch {@code nn.GRU} + {@code nn.Linear} state dict in safetensors format. */
    TORCH;

    /** Parses {@code --format}; an unknown value is a {@link ConfigError} naming the supported ones. */
    public static ExportFormat parse(String value) {
        ExportFormat f = Choice.find(values(), value);
        if (f == null) {
            throw new ConfigError("unknown export format '" + value + "': supported is " + Choice.ids(values(), ", "));
        }
        return f;
    }
}
