package org.sparkgru.config;

import org.sparkgru.Choice;

/** {@code data.calendar}: inputs derived from a grid point's time, each a sine/cosine pair. */
public enum CalendarFeature implements Choice {
    /** Period 24 hours. */
    HOUR_OF_DAY,
    /** Period 7 days, Monday = 0. */
    DAY_OF_WEEK,
    /** Period the length of that year. */
    DAY_OF_YEAR
}
