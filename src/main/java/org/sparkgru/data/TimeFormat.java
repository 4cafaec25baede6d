package org.sparkgru.data;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/** Human-readable times and steps for messages and outputs. */
public final class TimeFormat {
    private TimeFormat() {
    }

    /** A tick as an ISO instant, an ISO date, or the index itself. */
    public static String format(TimeKind kind, long t) {
        return switch (kind) {
            case TIMESTAMP -> Instant.EPOCH.plusNanos(0).plusSeconds(Math.floorDiv(t, 1_000_000L))
                    .plusNanos(Math.floorMod(t, 1_000_000L) * 1000L).toString();
            case DATE -> LocalDate.ofEpochDay(t).toString();
            case INDEX -> Long.toString(t);
        };
    }

    /** A step as an ISO duration, a number of days, or a number of index units. */
    public static String formatStep(TimeKind kind, long step) {
        return switch (kind) {
            case TIMESTAMP -> Duration.ofSeconds(step / 1_000_000L, (step % 1_000_000L) * 1000L).toString();
            case DATE -> step + (step == 1 ? " day" : " days");
            case INDEX -> step + (step == 1 ? " index unit" : " index units");
        };
    }
}
