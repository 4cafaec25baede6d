package org.sparkgru.jobs;

import org.sparkgru.UserError;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * Runs a picocli job command and maps failures to exit codes: 0 success, 2 a {@link UserError} or a bad command
 * line (one line {@code error: ...} on stderr), 1 anything else, an internal error, with its stack trace.
 */
public final class JobRunner {
    /** Exit status of a job that stops on an internal error. */
    static final int INTERNAL_ERROR = 1;

    private JobRunner() {
    }

    /** Parses {@code args} into {@code job}, runs it and returns the exit status; messages go to stderr. */
    public static int run(Callable<Integer> job, String... args) {
        return run(job, new PrintWriter(System.err, true), args);
    }

    /** As {@link #run(Callable, String...)}, with error messages and usage written to {@code err}. */
    public static int run(Callable<Integer> job, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(job);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof UserError) {
                cmd.getErr().println("error: " + e.getMessage());
                return UserError.EXIT_CODE;
            }
            e.printStackTrace(cmd.getErr());
            return INTERNAL_ERROR;
        });
        cl.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("error: " + e.getMessage());
            e.getCommandLine().usage(e.getCommandLine().getErr());
            return UserError.EXIT_CODE;
        });
        return cl.execute(args);
    }
}
