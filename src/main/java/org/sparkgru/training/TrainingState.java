package org.sparkgru.training;

import java.util.Map;

/**
 * Everything a training needs to continue exactly where it was after {@code iteration} iterations: what a
 * checkpoint saves and a resume restores ({@link Checkpoints}).
 *
 * @param iteration iterations done
 * @param params    the current weights
 * @param best      the best-so-far record
 * @param rule      the update rule's state
 */
record TrainingState(int iteration, float[] params, Best best, Rule rule) {

    /**
     * The best weights so far and the early-stopping bookkeeping.
     *
     * @param weights   the best weights (the initial ones before the first validation)
     * @param mae       their validation MAE (infinite before the first validation)
     * @param iteration the iteration they were validated at
     * @param sinceBest validations since then without improvement
     * @param metrics   their validation metrics, or null before the first validation
     */
    record Best(float[] weights, double mae, int iteration, int sinceBest, Validation metrics) {
    }

    /**
     * An update rule's state: a first-order optimizer's arrays and step count with the bad-step bookkeeping
     * ({@link MinibatchStep}), or Breeze's L-BFGS state ({@link LbfgsStep}).
     *
     * @param optimizer      named arrays of the parameters' length (empty for L-BFGS)
     * @param optimizerSteps optimizer steps taken
     * @param lrFactor       learning-rate factor left by skipped steps (1 for L-BFGS)
     * @param badSteps       non-finite gradients in a row
     * @param solver         L-BFGS state ({@link LbfgsState#bytes()}), or null
     */
    record Rule(Map<String, float[]> optimizer, long optimizerSteps, double lrFactor, int badSteps, byte[] solver) {
    }
}
