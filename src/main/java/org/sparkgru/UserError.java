package org.sparkgru;

/**
 * An error the user can fix (bad argument, bad path, configuration, data, unusable model files): the jobs print its
 * message alone, without a stack trace, and exit with status {@value #EXIT_CODE}. Every user-caused error is this
 * type or a subtype ({@code ConfigError}, {@code DataError}, {@code ModelFormatException}); anything else is an
 * internal error (exit status 1, with its stack trace).
 */
public class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Exit status of a job that stops on a user error. */
    public static final int EXIT_CODE = 2;

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
