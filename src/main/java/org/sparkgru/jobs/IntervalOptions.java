package org.sparkgru.jobs;

import org.sparkgru.UserError;
import org.sparkgru.config.ConformalIntervals;
import picocli.CommandLine.Option;

/** The options of prediction intervals for the forecast and evaluation jobs ({@link org.sparkgru.config.ConformalIntervals}). */
public final class IntervalOptions {
    @Option(names = "--intervals", paramLabel = "METHOD",
            description = "Prediction intervals around the point forecasts: conformal (split conformal per horizon"
                    + " step, calibrated on each series' history).")
    String method;

    @Option(names = "--level", paramLabel = "PERCENT[,PERCENT...]", defaultValue = "80,95",
            description = "Nominal coverages of --intervals, in percent (default: ${DEFAULT-VALUE}).")
    String levels;

    @Option(names = "--calibration-origins", paramLabel = "K",
            defaultValue = "" + ConformalIntervals.DEFAULT_ORIGINS,
            description = "Rolling origins of each series' history that calibrate --intervals (default:"
                    + " ${DEFAULT-VALUE}).")
    int origins;

    /** The intervals asked for, or null; a user error naming the option for a bad value. */
    ConformalIntervals intervals() {
        if (method == null) {
            return null;
        }
        if (!"conformal".equals(method)) {
            throw new UserError("--intervals " + method + " is not a method; choose conformal");
        }
        return ConformalIntervals.parse(levels, origins);
    }
}
