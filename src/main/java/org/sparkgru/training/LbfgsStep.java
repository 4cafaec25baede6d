package org.sparkgru.training;

import breeze.linalg.DenseVector;
import breeze.optimize.DiffFunction;
import breeze.optimize.FirstOrderMinimizer;
import breeze.optimize.LBFGS;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgru.UserError;
import org.sparkgru.config.TrainConfig;

/**
 * The full-batch L-BFGS update rule (Breeze's {@code LBFGS}, memory {@code train.lbfgsMemory}) on the mean loss over
 * every training window, as Spark MLlib's multilayer perceptron trains: each cost evaluation is one
 * {@code treeAggregate} ({@link FullBatchCost}), an iteration one or more evaluations (the line search). Its state
 * ({@link LbfgsState}: iterate and gradient in double precision, curvature history, convergence bookkeeping) goes
 * into checkpoints, so a resumed run continues exactly where the uninterrupted one was. One exception: Breeze gives
 * up at the second failed line search of a run, and the count of failures so far is not part of its state.
 */
final class LbfgsStep implements UpdateRule {
    private static final Logger LOG = LoggerFactory.getLogger(LbfgsStep.class);

    private final FullBatchCost cost;
    private final TrainConfig.Train t;
    private final DiffFunction<DenseVector<Object>> f;
    private final LBFGS<DenseVector<Object>> lbfgs;
    private scala.collection.Iterator<FirstOrderMinimizer.State<DenseVector<Object>, Object, Object>> states;
    private FirstOrderMinimizer.State<DenseVector<Object>, Object, Object> current;
    private long t0;

    LbfgsStep(FullBatchCost cost, TrainConfig.Train t) {
        this.cost = cost;
        this.t = t;
        this.f = cost.asDiffFunction();
        this.lbfgs = new LBFGS<>(t.iterations(), t.lbfgsMemory(), 1e-9, DenseVector.space_Double());
    }

    @Override
    public Set<String> optimizerArrays() {
        return Set.of();
    }

    @Override
    public void start(float[] params, int iteration, TrainingState.Rule restored) {
        LbfgsState initial;
        if (restored != null) {
            if (restored.solver() == null) {
                throw new UserError("the newest checkpoint has no L-BFGS state (it was written with another"
                        + " train.optimizer or by an older spark-gru); resume with the configuration it was written"
                        + " with, or start again with --overwrite");
            }
            initial = LbfgsState.read(restored.solver(), params.length);
            LOG.info("resuming L-BFGS at iteration {} with its curvature history", iteration);
        } else {
            double[] x0 = new double[params.length];
            for (int i = 0; i < x0.length; i++) {
                x0[i] = params[i];
            }
            // initialState evaluates the cost once; the count includes it
            initial = new LbfgsState(lbfgs.initialState(f, new DenseVector<>(x0)), cost.evaluations());
        }
        if (!Double.isFinite(initial.state().value())) {
            throw new UserError("L-BFGS: the loss at the " + (restored == null ? "initial" : "restored") + " weights"
                    + " is not finite; check the data for extreme values, or use train.optimizer = adam");
        }
        cost.countFrom(initial.evaluations());
        states = lbfgs.infiniteIterations(f, initial.state());
        t0 = System.nanoTime();
        current = states.next(); // the starting state itself
    }

    @Override
    public boolean exhausted(int iteration) {
        return false; // Breeze's convergence check counts the iterations
    }

    @Override
    public Step step(int iteration, float[] params) {
        var state = states.next();
        // Breeze's iterations() applies this check; infiniteIterations(), which can start from a restored state,
        // leaves it to the caller
        scala.Option<FirstOrderMinimizer.ConvergenceReason> converged =
                lbfgs.convergenceCheck().apply(state, state.convergenceInfo());
        current = state;
        if (state.iter() == iteration) {
            // no step: a failed line search made Breeze drop its curvature history (it retries) or give up
            if (converged.isDefined()) {
                return new Step(Kind.STOPPED, iteration, null, null, true, "L-BFGS stopped at iteration " + iteration
                        + " (" + converged.get().reason() + ")");
            }
            LOG.warn("L-BFGS iteration {}: line search failed, curvature history reset", iteration + 1);
            return new Step(Kind.RETRY, iteration, null, null, false, null);
        }
        int it = state.iter();
        double[] x = (double[]) state.x().data();
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) x[i];
        }
        double norm = 0;
        for (double v : (double[]) state.grad().data()) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        if (!Double.isFinite(state.value())) {
            throw new UserError("L-BFGS reached a non-finite loss at iteration " + it
                    + "; use train.optimizer = adam, or check the data for extreme values");
        }
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.put("iteration", it);
        line.put("trainLoss", state.value());
        line.put("gradNorm", norm);
        line.put("costEvaluations", cost.evaluations());
        line.put("seconds", (System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        boolean last = converged.isDefined();
        String reason = !last ? null : it >= t.iterations() ? "completed " + t.iterations() + " iterations"
                : "L-BFGS converged (" + converged.get().reason() + ")";
        String progress = "L-BFGS loss " + MinibatchStep.fmt(state.value()) + " | grad norm "
                + MinibatchStep.fmt(norm) + " | " + cost.evaluations() + " cost evaluations";
        return new Step(Kind.STEPPED, it, line, progress, last, reason);
    }

    @Override
    public TrainingState.Rule state(int iteration) {
        return new TrainingState.Rule(Map.of(), iteration, 1, 0, new LbfgsState(current, cost.evaluations()).bytes());
    }
}
