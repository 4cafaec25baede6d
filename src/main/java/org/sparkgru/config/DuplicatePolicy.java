package org.sparkgru.config;

import org.sparkgru.Choice;

/** {@code data.duplicates}: several rows of one series at the same time. */
public enum DuplicatePolicy implements Choice {
    /** Stop with the series and time. */
    ERROR,
    /** Keep the last row in input order. */
    LAST
}
