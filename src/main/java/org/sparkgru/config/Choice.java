package org.sparkgru.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A configuration choice: an enum constant with the name users write ({@link #id()}). {@link TrainConfig} parses
 * every choice once, so code past the configuration compares constants, never strings.
 */
public interface Choice {
    /** The name in configuration files, on the command line and in model files. */
    String id();

    /** The constant of {@code allowed} named {@code value}, or null. */
    static <E extends Choice> E find(E[] allowed, String value) {
        for (E e : allowed) {
            if (e.id().equals(value)) {
                return e;
            }
        }
        return null;
    }

    /** The names of {@code allowed}, joined by {@code separator}. */
    static String ids(Choice[] allowed, String separator) {
        return Arrays.stream(allowed).map(Choice::id).collect(Collectors.joining(separator));
    }
}
