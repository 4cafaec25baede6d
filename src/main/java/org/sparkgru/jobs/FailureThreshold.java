package org.sparkgru.jobs;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.sparkgru.UserError;

/**
 * {@code --max-failed-fraction}: how large a share of the input's series a forecast or an evaluation may leave out
 * (refused by the data policies, too short) and still succeed. A run that produces nothing, or leaves out more than
 * the fraction, is a {@link UserError} naming the first reasons, thrown before anything is moved into place.
 */
final class FailureThreshold {
    /** The default fraction, as picocli reads it. */
    static final String DEFAULT = "0.5";

    private FailureThreshold() {
    }

    /** Checks the option's value: a fraction in [0, 1]. */
    static void validate(double maxFailedFraction) {
        if (!(maxFailedFraction >= 0 && maxFailedFraction <= 1)) {
            throw new UserError("--max-failed-fraction " + maxFailedFraction + " is out of range; allowed 0 to 1");
        }
    }

    /**
     * @param done     "forecast", "evaluated": what happened to the series that made it
     * @param produced series with a result
     * @param problems {series id, reason} of the series left out
     */
    static void check(String done, long produced, List<String[]> problems, double maxFailedFraction) {
        long total = produced + problems.size();
        if (produced == 0) {
            throw new UserError("no series could be " + done + ": " + (total == 0 ? "the input has no series"
                    : "all " + total + " series were left out; first: " + first(problems))
                    + "; fix the input or the data.* settings");
        }
        double failed = (double) problems.size() / total;
        if (failed > maxFailedFraction) {
            throw new UserError(problems.size() + " of " + total + " series (" + Math.round(100 * failed)
                    + " %) could not be " + done + ", more than --max-failed-fraction " + maxFailedFraction
                    + " allows; first: " + first(problems) + "; fix the input, or raise --max-failed-fraction to"
                    + " accept a partial result");
        }
    }

    private static String first(List<String[]> problems) {
        return problems.stream().sorted(Comparator.comparing(p -> p[0])).limit(3)
                .map(p -> "'" + p[0] + "': " + p[1]).collect(Collectors.joining(" | "));
    }
}
