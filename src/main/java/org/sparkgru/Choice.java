package org.sparkgru;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A named choice: an enum constant with the name users write in configuration and model files ({@link #id()}).
 * {@code TrainConfig} and the model reader parse every choice once, so code past them compares constants, never
 * strings.
 */
public interface Choice {
    /**
     * The name in configuration files, on the command line and in model files: the constant's name in lower case
     * with dashes ({@code RESET_BEFORE} is {@code reset-before}).
     */
    default String id() {
        return ((Enum<?>) this).name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The constant of {@code allowed} named {@code value}, or null. */
    static <E extends Choice> E find(E[] allowed, String value) {
        for (E e : allowed) {
            if (e.id().equals(value)) {
                return e;
            }
        }
        return null;
    }

    /**
     * The constant of {@code allowed} named {@code value}; otherwise an {@link IllegalArgumentException} naming
     * {@code what} and the allowed names (callers that read user input turn it into their own error).
     */
    static <E extends Choice> E parse(E[] allowed, String value, String what) {
        E e = find(allowed, value);
        if (e == null) {
            throw new IllegalArgumentException("unknown " + what + " '" + value + "': allowed are "
                    + ids(allowed, ", "));
        }
        return e;
    }

    /** The names of {@code allowed}, joined by {@code separator}. */
    static String ids(Choice[] allowed, String separator) {
        return Arrays.stream(allowed).map(Choice::id).collect(Collectors.joining(separator));
    }
}
