package org.sparkgru.config;

import org.sparkgru.Choice;

/**
 * {@code train.innerState}: what the inner optimizer of local steps ({@code train.localSteps > 1}) starts each
 * round from.
 */
public enum InnerState implements Choice {
    /**
     * The partitions' end-of-round optimizer states, averaged by the driver (weighted by their windows) and
     * broadcast with the weights: Adam's moments and step count, or SGD's velocity, carry over between rounds as in
     * the synchronous loop, at the cost of shipping them both ways.
     */
    AVERAGED,
    /** A new optimizer every round (Adam's bias correction starts again every {@code H} steps). */
    FRESH
}
