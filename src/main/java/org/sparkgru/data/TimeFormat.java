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

    /** A step in words for messages and chart labels: "1 hour", "15 minutes", "7 days", "3 index units". */
    public static String formatStep(TimeKind kind, long step) {
        return switch (kind) {
            case TIMESTAMP -> {
                long[] units = {86_400_000_000L, 3_600_000_000L, 60_000_000L, 1_000_000L, 1_000L, 1L};
                String[] names = {"day", "hour", "minute", "second", "millisecond", "microsecond"};
                int u = 0;
                while (step % units[u] != 0) {
                    u++;
                }
                yield count(step / units[u], names[u]);
            }
            case DATE -> count(step, "day");
            case INDEX -> count(step, "index unit");
        };
    }

    /** {@code n} and the unit, plural unless {@code n} is 1. */
    static String count(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
