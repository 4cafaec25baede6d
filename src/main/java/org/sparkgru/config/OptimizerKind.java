package org.sparkgru.config;

import org.sparkgru.Choice;

/** {@code train.optimizer}: the update rule. */
public enum OptimizerKind implements Choice {
    /** Adam (Kingma and Ba 2015). */
    ADAM,
    /** Adam with decoupled weight decay (Loshchilov and Hutter 2019). */
    ADAMW,
    /** SGD with momentum or Nesterov momentum. */
    SGD,
    /** Full-batch L-BFGS through Breeze. */
    LBFGS
}
