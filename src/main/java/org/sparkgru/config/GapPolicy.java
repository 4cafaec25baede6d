package org.sparkgru.config;

import org.sparkgru.Choice;

/** {@code data.gaps}: grid points missing from a series. */
public enum GapPolicy implements Choice {
    /** Stop with the series and the count. */
    ERROR,
    /** Interpolate linearly. */
    INTERPOLATE
}
