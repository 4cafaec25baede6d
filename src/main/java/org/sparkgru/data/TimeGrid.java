package org.sparkgru.data;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.YearMonth;

/**
 * The regular grid of a series: grid point {@code i} is at {@link #timeAt(long)}, in the ticks of the time column
 * ({@link TimeKind}: microseconds, days or index units).
 *
 * <p>Either a fixed step in ticks ({@code start + i * step}), or calendar months: {@code start} is a month number
 * ({@code year * 12 + month - 1}), {@code step} a number of months (1 monthly, 3 quarterly, 12 yearly), and each
 * point falls on {@code anchorDay} of its month (0 = the last day) at {@code timeOfDay} microseconds after midnight.
 *
 * @param kind      the time column's kind
 * @param start     first tick, or first month number
 * @param step      ticks, or months, between points (> 0)
 * @param monthly   whether the grid is in calendar months
 * @param anchorDay day of month of monthly points (1..31, 0 = last day)
 * @param timeOfDay time of day of monthly points, in microseconds
 */
public record TimeGrid(TimeKind kind, long start, long step, boolean monthly, int anchorDay, long timeOfDay)
        implements Serializable {
    private static final long DAY = 86_400_000_000L;

    /** A grid of fixed steps. */
    public static TimeGrid fixed(TimeKind kind, long start, long step) {
        return new TimeGrid(kind, start, step, false, 0, 0);
    }

    /** The tick of grid point {@code i}. */
    public long timeAt(long i) {
        if (!monthly) {
            return start + i * step;
        }
        long m = start + i * step;
        YearMonth ym = YearMonth.of((int) Math.floorDiv(m, 12), (int) Math.floorMod(m, 12) + 1);
        LocalDate d = anchorDay == 0 || anchorDay > ym.lengthOfMonth() ? ym.atEndOfMonth() : ym.atDay(anchorDay);
        return kind == TimeKind.DATE ? d.toEpochDay() : d.toEpochDay() * DAY + timeOfDay;
    }

    /** The same grid starting at point {@code i}. */
    public TimeGrid from(long i) {
        return new TimeGrid(kind, start + i * step, step, monthly, anchorDay, timeOfDay);
    }

    /** The frequency as the scaler table stores it: an ISO duration ({@code PT1H}, {@code P1D}, {@code P1M}) or
     *  index units. */
    public String frequency() {
        if (monthly) {
            return "P" + step + "M";
        }
        return switch (kind) {
            case TIMESTAMP -> java.time.Duration.ofNanos(step * 1000).toString();
            case DATE -> "P" + step + "D";
            case INDEX -> step + " index units";
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
        return monthly ? TimeFormat.count(step, "month") : TimeFormat.formatStep(kind, step);
    }

    /**
     * The monthly grid through the given sorted ticks, or null when they are not monthly: every point on the same
     * day of month (or every point on the last day of its month) at the same time of day, and a constant smallest
     * step of whole months.
     */
    static TimeGrid monthlyThrough(TimeKind kind, long[] ticks) {
        if (kind == TimeKind.INDEX || ticks.length < 2) {
            return null;
        }
        long[] months = new long[ticks.length];
        int day = -1;
        boolean allMonthEnds = true;
        long tod = -1;
        for (int i = 0; i < ticks.length; i++) {
            long days = kind == TimeKind.DATE ? ticks[i] : Math.floorDiv(ticks[i], DAY);
            long t = kind == TimeKind.DATE ? 0 : Math.floorMod(ticks[i], DAY);
            LocalDate d = LocalDate.ofEpochDay(days);
            if (tod >= 0 && t != tod) {
                return null;
            }
            tod = t;
            allMonthEnds &= d.getDayOfMonth() == d.lengthOfMonth();
            if (day >= 0 && d.getDayOfMonth() != day) {
                day = -2;
            } else if (day == -1) {
                day = d.getDayOfMonth();
            }
            months[i] = d.getYear() * 12L + d.getMonthValue() - 1;
        }
        int anchor = allMonthEnds ? 0 : day;
        if (anchor < 0) {
            return null;
        }
        long step = Long.MAX_VALUE;
        for (int i = 1; i < months.length; i++) {
            long diff = months[i] - months[i - 1];
            if (diff <= 0) {
                return null;
            }
            step = Math.min(step, diff);
        }
        for (int i = 1; i < months.length; i++) {
            if ((months[i] - months[0]) % step != 0) {
                return null;
            }
        }
        return new TimeGrid(kind, months[0], step, true, anchor, Math.max(0, tod));
    }

    /** Grid index of a tick known to lie on a monthly grid. */
    long monthIndexOf(long tick) {
        long days = kind == TimeKind.DATE ? tick : Math.floorDiv(tick, DAY);
        LocalDate d = LocalDate.ofEpochDay(days);
        return (d.getYear() * 12L + d.getMonthValue() - 1 - start) / step;
    }
}
