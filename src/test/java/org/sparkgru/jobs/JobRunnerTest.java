package org.sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.sparkgru.UserError;
import org.sparkgru.config.ConfigError;
import org.sparkgru.data.DataError;
import org.sparkgru.model.ModelFormatException;
import picocli.CommandLine.Command;

/** Exit statuses: 2 and one line for user errors (every UserError subtype), 1 and a stack trace for anything else. */
class JobRunnerTest {

    @Command(name = "failing")
    static final class Failing implements Callable<Integer> {
        private final RuntimeException error;

        Failing(RuntimeException error) {
            this.error = error;
        }

        @Override
        public Integer call() {
            throw error;
        }
    }

    private record Outcome(int code, String err) {
    }

    private static Outcome run(RuntimeException error) {
        StringWriter err = new StringWriter();
        int code = JobRunner.run(new Failing(error), new PrintWriter(err, true));
        return new Outcome(code, err.toString());
    }

    @Test
    void userErrorsExitWithTwoAndOneLine() {
        for (RuntimeException e : new RuntimeException[] {new UserError("bad path"), new ConfigError("bad key"),
                new DataError("bad column"), new ModelFormatException("bad model")}) {
            Outcome o = run(e);
            assertEquals(UserError.EXIT_CODE, o.code(), e.toString());
            assertEquals("error: " + e.getMessage() + System.lineSeparator(), o.err());
        }
    }

    @Test
    void anInternalIllegalArgumentExceptionExitsWithOneAndItsStackTrace() {
        Outcome o = run(new IllegalArgumentException("Bptt: input holds 7 floats, needs 8"));
        assertEquals(1, o.code());
        assertTrue(o.err().contains("java.lang.IllegalArgumentException: Bptt: input holds 7 floats, needs 8"), o.err());
        assertTrue(o.err().contains("\tat org.sparkgru.jobs.JobRunnerTest."), "a stack trace: " + o.err());
        assertTrue(!o.err().startsWith("error: "), o.err());
    }
}
