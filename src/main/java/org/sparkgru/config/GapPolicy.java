package org.sparkgru.config;

/** {@code data.gaps}: grid points missing from a series. */
public enum GapPolicy implements Choice {
    /** stop with the series and the count. */
    ERROR("error"),
    /** interpolate linearly. */
    INTERPOLATE("interpolate");

    private final String id;

    GapPolicy(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }
}
