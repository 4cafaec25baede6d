package org.sparkgru.config;

/** {@code train.schedule}: the learning-rate multiplier after warm-up. */
public enum Schedule implements Choice {
    /** 1. */
    CONSTANT("constant"),
    /** times train.stepFactor every train.stepEvery iterations. */
    STEP("step"),
    /** cosine decay to 0 at the last iteration. */
    COSINE("cosine");

    private final String id;

    Schedule(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }
}
