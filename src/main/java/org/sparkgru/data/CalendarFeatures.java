package org.sparkgru.data;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.sparkgru.config.CalendarFeature;

/**
 * Calendar inputs derived from a grid point's time, each as a (sine, cosine) pair so that the end of a cycle
 * meets its start: {@code hour-of-day} (period 24 h, fractional hours), {@code day-of-week} (Monday = 0, period 7),
 * {@code day-of-year} (day 1 = 0, period = length of that year). Computed with {@link StrictMath}, so every
 * executor gets the same bits. Timestamps are taken in local time of {@code zone} ({@code data.timeZone}), so
 * that "hour 9" is nine in the morning where the data was recorded, across daylight-saving changes too. Needs a
 * timestamp or date time column; for a date column the hour is 0.
 *
 * @param kinds the configured features, in configuration order
 * @param zone  the time zone of the local time
 */
public record CalendarFeatures(List<CalendarFeature> kinds, ZoneId zone) implements Serializable {

    public CalendarFeatures {
        kinds = List.copyOf(kinds);
    }

    /** The features in UTC. */
    public CalendarFeatures(List<CalendarFeature> kinds) {
        this(kinds, ZoneOffset.UTC);
    }

    /** Number of inputs added per step (two per feature). */
    public int width() {
        return 2 * kinds.size();
    }

    /** Writes the {@link #width()} inputs of time {@code t} (ticks of {@code kind}) at {@code x[off ...]}. */
    public void write(TimeKind kind, long t, float[] x, int off) {
        if (kinds.isEmpty()) {
            return;
        }
        long micros = kind == TimeKind.DATE ? t * 86_400_000_000L : t + offsetMicros(t);
        long day = Math.floorDiv(micros, 86_400_000_000L);
        double hour = Math.floorMod(micros, 86_400_000_000L) / 3_600_000_000.0;
        for (int i = 0; i < kinds.size(); i++) {
            double phase = switch (kinds.get(i)) {
                case HOUR_OF_DAY -> hour / 24;
                case DAY_OF_WEEK -> Math.floorMod(day + 3, 7) / 7.0;
                case DAY_OF_YEAR -> {
                    LocalDate d = LocalDate.ofEpochDay(day);
                    yield (d.getDayOfYear() - 1) / (double) d.lengthOfYear();
                }
            };
            x[off + 2 * i] = (float) StrictMath.sin(2 * Math.PI * phase);
            x[off + 2 * i + 1] = (float) StrictMath.cos(2 * Math.PI * phase);
        }
    }

    /** The zone's offset from UTC at instant {@code micros}, in microseconds. */
    private long offsetMicros(long micros) {
        if (zone == ZoneOffset.UTC) {
            return 0;
        }
        Instant at = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L));
        return zone.getRules().getOffset(at).getTotalSeconds() * 1_000_000L;
    }
}
