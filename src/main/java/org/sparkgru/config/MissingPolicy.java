package org.sparkgru.config;

import org.sparkgru.Choice;

/** {@code data.missing}: null, NaN or infinite targets and covariates. */
public enum MissingPolicy implements Choice {
    /** Stop with the series and time. */
    ERROR,
    /** Drop the row. */
    DROP,
    /** Interpolate linearly. */
    INTERPOLATE
}
