package org.sparkgru.config;

/** {@code data.duplicates}: several rows of one series at the same time. */
public enum DuplicatePolicy implements Choice {
    /** stop with the series and time. */
    ERROR("error"),
    /** keep the last row in input order. */
    LAST("last");

    private final String id;

    DuplicatePolicy(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }
}
