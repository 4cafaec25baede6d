package org.sparkgru.config;

/** {@code train.optimizer}: the update rule. */
public enum OptimizerKind implements Choice {
    /** Adam (Kingma and Ba 2015). */
    ADAM("adam"),
    /** Adam with decoupled weight decay (Loshchilov and Hutter 2019). */
    ADAMW("adamw"),
    /** SGD with momentum or Nesterov momentum. */
    SGD("sgd"),
    /** full-batch L-BFGS through Breeze. */
    LBFGS("lbfgs");

    private final String id;

    OptimizerKind(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }
}
