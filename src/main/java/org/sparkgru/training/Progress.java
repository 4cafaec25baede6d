package org.sparkgru.training;

import com.fasterxml.jackson.databind.JsonNode;
import org.sparkgru.config.TrainConfig;

/**
 * The training's progress as a person reads it in the log: one line every {@code train.logEvery} iterations (auto:
 * about 20 lines per run), at every validation and at the last iteration,
 * <pre>
 * iteration 60/300 (20 %) | 0:12 elapsed, 0:48 left | loss 0.4123 | validation MAE 1.234 MASE 0.95 (iteration 50) | 4,210 windows/s
 * </pre>
 * and one summary at the end. Time left extrapolates this run's mean time per iteration, validations included;
 * windows/s is this run's mean. Every iteration's detail stays in {@code metrics.jsonl}.
 */
final class Progress {
    /** Lines per run when {@code train.logEvery} is auto. */
    static final int AUTO_LINES = 20;

    private final int total;
    private final int every;
    private final int first;
    private final long started = System.nanoTime();
    private long windows;
    private String validation = "no validation yet";

    /** Progress of a run of {@code total} iterations that starts after iteration {@code first} (0, or a resume's). */
    Progress(int total, int logEvery, int first) {
        this.total = total;
        this.every = logEvery != TrainConfig.AUTO ? logEvery : Math.max(1, (total + AUTO_LINES - 1) / AUTO_LINES);
        this.first = first;
    }

    /**
     * Records iteration {@code it} ({@code line} of {@code metrics.jsonl}, its validation or null) and returns the
     * line to log, or null when this iteration shows none.
     */
    String after(int it, JsonNode line, Validation v, boolean last) {
        windows += line.path("windows").asLong(0);
        if (v != null) {
            validation = "validation MAE " + MinibatchStep.fmt(v.mae()) + " MASE " + MinibatchStep.fmt(v.mase())
                    + " (iteration " + it + ")";
        }
        if (it % every != 0 && v == null && !last) {
            return null;
        }
        double elapsed = seconds();
        double left = it > first ? elapsed / (it - first) * (total - it) : Double.NaN;
        return String.format("iteration %d/%d (%d %%) | %s elapsed, %s left | loss %s | %s%s", it, total,
                100L * it / total, duration(elapsed), duration(left), MinibatchStep.fmt(line.path("trainLoss")
                        .asDouble(Double.NaN)), validation, rate(elapsed));
    }

    /** The end of the run: why it stopped, how long it took, the best validation. */
    String summary(String stop, int it, int bestIteration, Validation best) {
        double elapsed = seconds();
        return "training finished (" + stop + "): " + (it - first) + " iterations in " + duration(elapsed)
                + rate(elapsed).replace(" | ", ", ") + "; best " + (best == null ? "weights: the last, no validation"
                : "validation at iteration " + bestIteration + ": " + best.describe());
    }

    private String rate(double elapsed) {
        return windows == 0 ? "" : String.format(" | %,d windows/s", Math.round(windows / elapsed));
    }

    private double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    /** {@code 0:07}, {@code 12:30}, {@code 1:02:03}; {@code ?} when unknown. */
    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
