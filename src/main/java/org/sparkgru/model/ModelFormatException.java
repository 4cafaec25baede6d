package org.sparkgru.model;

import org.sparkgru.UserError;

/**
 * A model directory or file that cannot be read: wrong format version, missing or misshapen tensors, truncated or
 * edited files. The message names the file, the problem and what to do.
 */
public class ModelFormatException extends UserError {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
