package org.sparkgru.config;

import org.sparkgru.Choice;

/** {@code train.schedule}: the learning-rate multiplier after warm-up. */
public enum Schedule implements Choice {
    /** Multiplier 1. */
    CONSTANT,
    /** Times {@code train.stepFactor} every {@code train.stepEvery} iterations. */
    STEP,
    /** Cosine decay to 0 at the last iteration. */
    COSINE
}
