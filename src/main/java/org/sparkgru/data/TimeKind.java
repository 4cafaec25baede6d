package org.sparkgru.data;

/** How a time column's values map to the long ticks of a series grid. */
public enum TimeKind {
    /** Spark TimestampType, in microseconds since the epoch. */
    TIMESTAMP,
    /** Spark DateType, in days since the epoch. */
    DATE,
    /** An integer index column. */
    INDEX
}
