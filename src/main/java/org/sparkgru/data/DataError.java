package org.sparkgru.data;

import org.sparkgru.UserError;

/**
 * Input data that cannot be used as configured: a missing or mistyped column, no series long enough, a series
 * that breaks a data policy. The message names the column or series, the problem and the setting that fixes it.
 */
public class DataError extends UserError {
    private static final long serialVersionUID = 1L;

    public DataError(String message) {
        super(message);
    }
}
