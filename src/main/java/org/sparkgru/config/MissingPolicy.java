package org.sparkgru.config;

/** {@code data.missing}: null, NaN or infinite targets and covariates. */
public enum MissingPolicy implements Choice {
    /** stop with the series and time. */
    ERROR("error"),
    /** drop the row. */
    DROP("drop"),
    /** interpolate linearly. */
    INTERPOLATE("interpolate");

    private final String id;

    MissingPolicy(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }
}
