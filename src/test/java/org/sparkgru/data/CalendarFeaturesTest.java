package org.sparkgru.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgru.config.CalendarFeature;

class CalendarFeaturesTest {

    @Test
    void sineCosinePairsOfHourWeekdayAndYearDay() {
        CalendarFeatures c = new CalendarFeatures(List.of(CalendarFeature.HOUR_OF_DAY, CalendarFeature.DAY_OF_WEEK,
                CalendarFeature.DAY_OF_YEAR));
        assertEquals(6, c.width());
        float[] x = new float[7];
        long micros = Instant.parse("2026-01-05T06:00:00Z").toEpochMilli() * 1000; // a Monday, 06:00
        c.write(TimeKind.TIMESTAMP, micros, x, 1);
        assertEquals(0f, x[0], 0f, "nothing before the offset");
        assertEquals(1f, x[1], 1e-6f, "sin(2 pi 6/24)");
        assertEquals(0f, x[2], 1e-6f, "cos(2 pi 6/24)");
        assertEquals(0f, x[3], 1e-6f, "Monday: sin 0");
        assertEquals(1f, x[4], 1e-6f, "Monday: cos 0");
        assertEquals((float) Math.sin(2 * Math.PI * 4 / 365), x[5], 1e-6f, "5 January: day 4 of 365");
        assertEquals((float) Math.cos(2 * Math.PI * 4 / 365), x[6], 1e-6f);
        float[] d = new float[6];
        c.write(TimeKind.DATE, LocalDate.parse("2024-12-31").toEpochDay(), d, 0);
        assertEquals(0f, d[0], 0f, "dates are at midnight");
        assertEquals((float) Math.sin(2 * Math.PI * 365 / 366), d[4], 1e-6f, "leap year: day 365 of 366");
        assertEquals((float) Math.sin(2 * Math.PI / 7), d[2], 1e-6f, "a Tuesday");
    }

    @Test
    void timestampsAreTakenInLocalTimeOfTheDataTimeZone() {
        CalendarFeatures c = new CalendarFeatures(List.of(CalendarFeature.HOUR_OF_DAY, CalendarFeature.DAY_OF_WEEK),
                java.time.ZoneId.of("America/New_York"));
        float[] x = new float[4];
        long micros = Instant.parse("2026-01-05T11:00:00Z").toEpochMilli() * 1000; // 06:00 in New York (EST)
        c.write(TimeKind.TIMESTAMP, micros, x, 0);
        assertEquals(1f, x[0], 1e-6f, "sin(2 pi 6/24): the local hour");
        micros = Instant.parse("2026-07-06T10:00:00Z").toEpochMilli() * 1000; // 06:00 in New York (EDT)
        c.write(TimeKind.TIMESTAMP, micros, x, 0);
        assertEquals(1f, x[0], 1e-6f, "daylight-saving time too");
        micros = Instant.parse("2026-01-06T03:00:00Z").toEpochMilli() * 1000; // Monday 22:00 in New York
        c.write(TimeKind.TIMESTAMP, micros, x, 0);
        assertEquals(0f, x[2], 1e-6f, "still Monday locally");
    }
}
