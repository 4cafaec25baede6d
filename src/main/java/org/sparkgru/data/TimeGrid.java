package org.sparkgru.data;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The regular grid of a series: grid point {@code i} is at {@link #timeAt(long)}, in the ticks of the time column
 * ({@link TimeKind}: microseconds, days or index units).
 *
 * <p>One of three {@link Unit}s. {@code TICKS}: a fixed step, {@code start + i * step}. {@code DAYS}: local dates in
 * {@code zone}, {@code start} an epoch day and {@code step} a number of days, each point at {@code timeOfDay}
 * microseconds after local midnight; so that daily data recorded at local midnights stays daily across
 * daylight-saving changes (23 or 25 hours apart in UTC there). {@code MONTHS}: {@code start} a month number
 * ({@code year * 12 + month - 1}), {@code step} a number of months (1 monthly, 3 quarterly, 12 yearly), each point
 * on {@code anchorDay} of its month (0 = the last day) at {@code timeOfDay} local time in {@code zone}.
 *
 * @param kind      the time column's kind
 * @param start     first tick, first local epoch day, or first month number
 * @param step      ticks, days or months between points (> 0)
 * @param unit      what {@code start} and {@code step} count
 * @param anchorDay day of month of monthly points (1..31, 0 = the last day)
 * @param timeOfDay local time of day of daily and monthly points, in microseconds
 * @param zone      the zone of the local dates ({@code data.timeZone}); UTC for fixed grids
 */
public record TimeGrid(TimeKind kind, long start, long step, Unit unit, int anchorDay, long timeOfDay, ZoneId zone)
        implements Serializable {
    private static final long DAY = 86_400_000_000L;

    /** What a grid's step counts. */
    public enum Unit { TICKS, DAYS, MONTHS }

    /** A grid of fixed steps. */
    public static TimeGrid fixed(TimeKind kind, long start, long step) {
        return new TimeGrid(kind, start, step, Unit.TICKS, 0, 0, ZoneOffset.UTC);
    }

    /** The tick of grid point {@code i}. */
    public long timeAt(long i) {
        long n = start + i * step;
        return switch (unit) {
            case TICKS -> n;
            case DAYS -> tickOf(n);
            case MONTHS -> {
                YearMonth ym = YearMonth.of((int) Math.floorDiv(n, 12), (int) Math.floorMod(n, 12) + 1);
                LocalDate d = anchorDay == 0 || anchorDay > ym.lengthOfMonth() ? ym.atEndOfMonth()
                        : ym.atDay(anchorDay);
                yield tickOf(d.toEpochDay());
            }
        };
    }

    /** Grid index of a tick known to lie on this grid. */
    long indexOf(long tick) {
        return switch (unit) {
            case TICKS -> (tick - start) / step;
            case DAYS -> (Math.floorDiv(localMicros(kind, zone, tick), DAY) - start) / step;
            case MONTHS -> {
                LocalDate d = LocalDate.ofEpochDay(Math.floorDiv(localMicros(kind, zone, tick), DAY));
                yield (d.getYear() * 12L + d.getMonthValue() - 1 - start) / step;
            }
        };
    }

    /** The same grid starting at point {@code i}. */
    public TimeGrid from(long i) {
        return new TimeGrid(kind, start + i * step, step, unit, anchorDay, timeOfDay, zone);
    }

    /** The frequency as the scaler table stores it: an ISO duration ({@code PT1H}, {@code PT24H} for a fixed day,
     *  {@code P1D} for a local day, {@code P1M}) or index units. */
    public String frequency() {
        return switch (unit) {
            case MONTHS -> "P" + step + "M";
            case DAYS -> "P" + step + "D";
            case TICKS -> switch (kind) {
                case TIMESTAMP -> java.time.Duration.ofNanos(step * 1000).toString();
                case DATE -> "P" + step + "D";
                case INDEX -> step + " index units";
            };
        };
    }

    /**
     * The season length of this grid's frequency, for seasonal naive and MASE: 24 hourly, 7 daily, 52 weekly,
     * 12 monthly, 4 quarterly, 1 otherwise.
     */
    public int season() {
        return switch (frequency()) {
            case "PT1H" -> 24;
            case "P1D", "PT24H" -> 7;
            case "P7D", "PT168H" -> 52;
            case "P1M" -> 12;
            case "P3M" -> 4;
            default -> 1;
        };
    }

    /** The step in words for messages and chart labels ("1 hour", "1 month"): {@link TimeFormat#formatStep}. */
    public String describeStep() {
        return switch (unit) {
            case MONTHS -> TimeFormat.count(step, "month");
            case DAYS -> TimeFormat.count(step, "day");
            case TICKS -> TimeFormat.formatStep(kind, step);
        };
    }

    /**
     * The grid of local days in {@code zone} through the given sorted timestamps, or null when they are not on one:
     * every point at the same local time of day, a constant smallest step of whole local days.
     */
    static TimeGrid daysThrough(TimeKind kind, long[] ticks, ZoneId zone) {
        if (kind != TimeKind.TIMESTAMP) {
            return null;
        }
        long[] tod = new long[1];
        long[] days = localDates(kind, ticks, zone, tod);
        long step = days == null ? -1 : commonStep(days);
        return step < 0 ? null : new TimeGrid(kind, days[0], step, Unit.DAYS, 0, tod[0], zone);
    }

    /**
     * The monthly grid through the given sorted ticks in {@code zone}'s local time, or null when they are not
     * monthly: every point on the same day of month (or every point on the last day of its month) at the same time
     * of day, and a constant smallest step of whole months.
     */
    static TimeGrid monthlyThrough(TimeKind kind, long[] ticks, ZoneId zone) {
        long[] tod = new long[1];
        long[] dates = localDates(kind, ticks, zone, tod);
        if (dates == null) {
            return null;
        }
        long[] months = new long[dates.length];
        int day = -1;
        boolean allMonthEnds = true;
        for (int i = 0; i < dates.length; i++) {
            LocalDate d = LocalDate.ofEpochDay(dates[i]);
            allMonthEnds &= d.getDayOfMonth() == d.lengthOfMonth();
            if (day >= 0 && d.getDayOfMonth() != day) {
                day = -2;
            } else if (day == -1) {
                day = d.getDayOfMonth();
            }
            months[i] = d.getYear() * 12L + d.getMonthValue() - 1;
        }
        int anchor = allMonthEnds ? 0 : day;
        long step = commonStep(months);
        return anchor < 0 || step < 0 ? null : new TimeGrid(kind, months[0], step, Unit.MONTHS, anchor, tod[0], zone);
    }

    /**
     * The local dates (epoch days in {@code zone}) of the sorted ticks, or null unless there are at least two and
     * every one is at the same local time of day, which goes to {@code tod[0]}.
     */
    private static long[] localDates(TimeKind kind, long[] ticks, ZoneId zone, long[] tod) {
        if (kind == TimeKind.INDEX || ticks.length < 2) {
            return null;
        }
        long[] dates = new long[ticks.length];
        for (int i = 0; i < ticks.length; i++) {
            long local = localMicros(kind, zone, ticks[i]);
            long t = Math.floorMod(local, DAY);
            if (i > 0 && t != tod[0]) {
                return null;
            }
            tod[0] = t;
            dates[i] = Math.floorDiv(local, DAY);
        }
        return dates;
    }

    /** The smallest difference of increasing values when every value is a multiple of it from the first, else -1. */
    private static long commonStep(long[] v) {
        long step = Long.MAX_VALUE;
        for (int i = 1; i < v.length; i++) {
            if (v[i] <= v[i - 1]) {
                return -1;
            }
            step = Math.min(step, v[i] - v[i - 1]);
        }
        for (long x : v) {
            if ((x - v[0]) % step != 0) {
                return -1;
            }
        }
        return step;
    }

    /** A tick as local microseconds since the epoch in {@code zone} (a date's local midnight). */
    private static long localMicros(TimeKind kind, ZoneId zone, long tick) {
        if (kind == TimeKind.DATE) {
            return tick * DAY;
        }
        Instant at = Instant.ofEpochSecond(Math.floorDiv(tick, 1_000_000L));
        return tick + zone.getRules().getOffset(at).getTotalSeconds() * 1_000_000L;
    }

    /**
     * The tick of {@code timeOfDay} on local date {@code epochDay}; a local time that a daylight-saving change skips
     * is taken after the change, one that it repeats at its first occurrence (as {@link LocalDateTime#atZone}).
     */
    private long tickOf(long epochDay) {
        if (kind == TimeKind.DATE) {
            return epochDay;
        }
        long local = epochDay * DAY + timeOfDay;
        long seconds = LocalDateTime.ofEpochSecond(Math.floorDiv(local, 1_000_000L), 0, ZoneOffset.UTC).atZone(zone)
                .toEpochSecond();
        return seconds * 1_000_000L + Math.floorMod(local, 1_000_000L);
    }
}
