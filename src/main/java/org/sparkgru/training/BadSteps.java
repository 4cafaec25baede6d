package org.sparkgru.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The minibatch rules' answer to a non-finite gradient ({@link MinibatchStep}, {@link LocalSteps}): the step is
 * skipped and the learning rate halved; {@code train.maxBadSteps} in a row stop the job with a user error that
 * names the last good checkpoint. The factor and the count are part of the rule's checkpointed state.
 */
final class BadSteps {
    private static final Logger LOG = LoggerFactory.getLogger(BadSteps.class);

    private final int max;
    private final String checkpoints;
    private double lrFactor = 1;
    private int inARow;

    /** @param checkpoints where the checkpoints are, for the message of a stopped job */
    BadSteps(int max, String checkpoints) {
        this.max = max;
        this.checkpoints = checkpoints;
    }

    void restore(TrainingState.Rule restored) {
        lrFactor = restored.lrFactor();
        inARow = restored.badSteps();
    }

    /** The learning-rate factor left by skipped steps. */
    double lrFactor() {
        return lrFactor;
    }

    int inARow() {
        return inARow;
    }

    /** A step went through. */
    void passed() {
        inARow = 0;
    }

    /** Skips iteration {@code done}: halves the learning rate and records it in {@code line}. */
    UpdateRule.Step skip(int done, ObjectNode line) {
        inARow++;
        lrFactor /= 2;
        LOG.warn("iteration {}: non-finite gradient, step skipped, learning rate halved ({} in a row)", done, inARow);
        line.put("skipped", "non-finite gradient");
        String stop = inARow < max ? null : inARow + " non-finite gradients in a row at iteration " + done
                + "; the data may hold extreme values or train.learningRate is too high. The last good checkpoint"
                + " is kept in " + checkpoints;
        return new UpdateRule.Step(UpdateRule.Kind.SKIPPED, done, line, null, false, stop);
    }
}
