package org.sparkgru.config;

/** {@code data.calendar}: inputs derived from a grid point's time, each a sine/cosine pair. */
public enum CalendarFeature implements Choice {
    /** period 24 hours. */
    HOUR_OF_DAY("hour-of-day"),
    /** period 7 days, Monday = 0. */
    DAY_OF_WEEK("day-of-week"),
    /** period the length of that year. */
    DAY_OF_YEAR("day-of-year");

    private final String id;

    CalendarFeature(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }
}
