package org.sparkgru.config;

import org.sparkgru.UserError;

/** A configuration value that cannot be used; the message names the key, the value and what is allowed. */
public class ConfigError extends UserError {
    private static final long serialVersionUID = 1L;

    public ConfigError(String message) {
        super(message);
    }
}
