package org.sparkgru.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * How the weights change in one iteration of the {@link TrainingLoop}: a minibatch optimizer step
 * ({@link MinibatchStep}) or a full-batch L-BFGS step ({@link LbfgsStep}). Call order: {@link #start} once (fresh
 * or from a checkpoint's state), then {@link #step} until the loop stops, with {@link #state} whenever a checkpoint
 * is written.
 */
interface UpdateRule {

    /** What one {@link #step} did. */
    enum Kind {
        /** The weights moved; the iteration counts. */
        STEPPED,
        /**
         * The iteration counts but the weights were left alone (a non-finite gradient); with a stop reason, the
         * job stops with it as a user error once the iteration's line is written.
         */
        SKIPPED,
        /** Nothing counts; step again (L-BFGS retrying after a failed line search). */
        RETRY,
        /** The rule cannot go on; the loop stops without a step. */
        STOPPED
    }

    /**
     * One step's outcome.
     *
     * @param kind       what happened
     * @param iteration  the iterations done after it
     * @param line       the iteration's metrics line so far (STEPPED, SKIPPED), to which the loop adds validation
     * @param progress   the iteration in words for the log (STEPPED)
     * @param last       whether this step ends the training (STEPPED)
     * @param stopReason why training ends (when {@code last}, STOPPED, or a SKIPPED step that ends the job)
     */
    record Step(Kind kind, int iteration, ObjectNode line, String progress, boolean last, String stopReason) {
    }

    /** Names of the optimizer arrays a checkpoint of this rule holds. */
    Set<String> optimizerArrays();

    /** Prepares the rule for {@code params} after {@code iteration} iterations; {@code restored} may be null. */
    void start(float[] params, int iteration, TrainingState.Rule restored);

    /** Whether no iteration remains before {@code iteration} runs (the loop stops without a step). */
    boolean exhausted(int iteration);

    /** Runs iteration {@code iteration + 1}: computes on the cluster and updates {@code params} in place. */
    Step step(int iteration, float[] params);

    /** The state a checkpoint after {@code iteration} iterations saves. */
    TrainingState.Rule state(int iteration);
}
