package org.sparkgru.testing;

import java.io.IOException;

/**
 * Test code run with one of the training's fault hooks switched on ({@code org.sparkgru.test.NAME} system
 * properties, read once per training job by {@code org.sparkgru.training.FaultPlan}): {@code failTaskAt},
 * {@code stopDriverAt}, {@code poisonAt}. The hook is switched off again whatever the code does.
 */
public final class FaultHooks {
    /** The prefix of the hooks' system properties. */
    public static final String PREFIX = "org.sparkgru.test.";

    /** Code that may throw the I/O errors of a training run. */
    public interface Body<T> {
        T run() throws IOException;
    }

    private FaultHooks() {
    }

    /** Runs {@code body} with hook {@code name} set to {@code value}, and returns what it returns. */
    public static <T> T with(String name, String value, Body<T> body) throws IOException {
        System.setProperty(PREFIX + name, value);
        try {
            return body.run();
        } finally {
            System.clearProperty(PREFIX + name);
        }
    }
}
