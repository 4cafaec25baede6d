package org.sparkgru.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgru.Choice;
import org.sparkgru.config.Baseline;
import org.sparkgru.config.DuplicatePolicy;
import org.sparkgru.config.GapPolicy;
import org.sparkgru.config.MissingPolicy;
import org.sparkgru.config.Scaling;
import org.sparkgru.config.TargetTransform;
import org.sparkgru.data.SeriesAssembler.Failed;
import org.sparkgru.data.SeriesAssembler.Ok;
import org.sparkgru.data.SeriesAssembler.Point;
import org.sparkgru.data.SeriesAssembler.Skipped;

class SeriesAssemblerTest {
    private static final long DAY = 86_400_000_000L;

    private static final WindowShape SHAPE = new WindowShape(3, 2);

    private static SeriesAssembler policies(String missing, String duplicates, String gaps) {
        return new SeriesAssembler(Choice.find(MissingPolicy.values(), missing),
                Choice.find(DuplicatePolicy.values(), duplicates), Choice.find(GapPolicy.values(), gaps),
                Scaling.SERIES, TargetTransform.NONE, SHAPE);
    }

    private static SeriesAssembler scaling(Scaling mode) {
        return new SeriesAssembler(MissingPolicy.ERROR, DuplicatePolicy.ERROR, GapPolicy.ERROR, mode, TargetTransform.NONE, SHAPE);
    }

    @Test
    void scalingModesDecideWhichScalersArePerSeries() {
        List<Point> pts = daily(1, 2, 3, 4, 5, 100, 200);
        Series window = ((Ok) scaling(Scaling.WINDOW).assemble("a", TimeKind.TIMESTAMP, pts, 1)).series();
        assertEquals(0f, window.scaler.mean(), 0f, "the target is scaled per window at use");
        assertEquals(1f, window.scaler.scale(), 0f);
        assertEquals(20f, window.scaler.featureMean()[0], 1e-6f, "covariates still per series");
        for (Scaling mode : List.of(Scaling.GLOBAL, Scaling.NONE)) {
            Series s = ((Ok) scaling(mode).assemble("a", TimeKind.TIMESTAMP, pts, 1)).series();
            assertEquals(0f, s.scaler.mean(), 0f, mode.id());
            assertEquals(1f, s.scaler.featureScale()[0], 0f, mode.id());
        }
        CalendarFeatures none = new CalendarFeatures(List.of());
        float[] ms = new WindowLayout(SHAPE, 1, 0, StaticCovariates.NONE, 0, none, TargetTransform.NONE, Scaling.WINDOW, Baseline.NONE, 1, false, new double[0]).scaler(window, 1, new float[2]);
        assertArrayEquals(new float[] {0f, 3f}, ms, "mean |y| of the input window 2, 3, 4");
        ms = new WindowLayout(SHAPE, 1, 0, StaticCovariates.NONE, 0, none, TargetTransform.NONE, Scaling.SERIES, Baseline.NONE, 1, false, new double[0]).scaler(window, 1, new float[2]);
        assertArrayEquals(new float[] {0f, 1f}, ms);
    }

    private static List<Point> daily(double... ys) {
        List<Point> pts = new ArrayList<>();
        for (int i = 0; i < ys.length; i++) {
            pts.add(new Point(1_700_000_000_000_000L + i * DAY, ys[i], new double[] {10 * i}));
        }
        return pts;
    }

    @Test
    void cleanSeriesIsGriddedAndScaledOnItsTrainingPart() {
        List<Point> pts = daily(1, 2, 3, 4, 5, 100, 200);
        java.util.Collections.reverse(pts);
        Series s = ((Ok) policies("error", "error", "error").assemble("a", TimeKind.TIMESTAMP, pts, 1)).series();
        assertEquals(DAY, s.grid.step());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 100, 200}, s.values);
        assertEquals(3f, s.scaler.mean(), 1e-6f, "mean of the first n - horizon = 5 points");
        assertEquals((float) Math.sqrt(2), s.scaler.scale(), 1e-6f);
        assertEquals(20f, s.scaler.featureMean()[0], 1e-6f);
    }

    @Test
    void missingValuePolicies() {
        List<Point> pts = daily(1, 2, Double.NaN, 4, 5, 6, 7);
        Failed f = assertInstanceOf(Failed.class, policies("error", "error", "error").assemble("a", TimeKind.TIMESTAMP, pts, 1));
        assertTrue(f.message().contains("null, NaN or infinite value at time 2023-11-16T22:13:20Z")
                && f.message().contains("data.missing = drop or interpolate"), f.message());
        Series drop = ((Ok) policies("drop", "error", "interpolate").assemble("a", TimeKind.TIMESTAMP, pts, 1)).series();
        assertEquals(3f, drop.values[2], 0f, "dropped, then the gap is interpolated");
        assertEquals(1, drop.quality.droppedMissing());
        assertEquals(1, drop.quality.gapsFilled());
        Series interp = ((Ok) policies("interpolate", "error", "error").assemble("a", TimeKind.TIMESTAMP, pts, 1)).series();
        assertEquals(3f, interp.values[2], 0f);
        assertEquals(1, interp.quality.interpolatedMissing());
        Series inf = ((Ok) policies("interpolate", "error", "error").assemble("a", TimeKind.TIMESTAMP,
                daily(1, 2, 3, Double.POSITIVE_INFINITY, 5, Double.NEGATIVE_INFINITY, 7), 1)).series();
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7}, inf.values, "infinite values are interpolated too");
        assertEquals(2, inf.quality.interpolatedMissing());
    }

    @Test
    void duplicatesGapsAndIrregularSpacing() {
        List<Point> pts = daily(1, 2, 3, 4, 5, 6, 7);
        pts.add(new Point(pts.get(3).t(), 40, new double[] {0}));
        Failed f = assertInstanceOf(Failed.class, policies("error", "error", "error").assemble("b", TimeKind.TIMESTAMP, pts, 1));
        assertTrue(f.message().contains("several rows at time") && f.message().contains("data.duplicates = last"), f.message());
        Series last = ((Ok) policies("error", "last", "error").assemble("b", TimeKind.TIMESTAMP, pts, 1)).series();
        assertEquals(40f, last.values[3], 0f, "the last row read wins");

        List<Point> gap = daily(1, 2, 3, 4, 5, 6, 7);
        gap.remove(4);
        f = assertInstanceOf(Failed.class, policies("error", "error", "error").assemble("c", TimeKind.TIMESTAMP, gap, 1));
        assertTrue(f.message().contains("misses 1 of its 7 points on its 1 day grid"), f.message());
        Series filled = ((Ok) policies("error", "error", "interpolate").assemble("c", TimeKind.TIMESTAMP, gap, 1)).series();
        assertEquals(5f, filled.values[4], 0f);

        List<Point> odd = daily(1, 2, 3, 4, 5, 6, 7);
        odd.set(5, new Point(odd.get(5).t() + 3_600_000_000L, 6, new double[] {0}));
        f = assertInstanceOf(Failed.class, policies("error", "error", "interpolate").assemble("d", TimeKind.TIMESTAMP, odd, 1));
        assertTrue(f.message().contains("irregularly spaced: its most common step is 1 day"), f.message());
    }

    @Test
    void monthlySeriesFollowTheCalendar() {
        List<Point> firsts = new ArrayList<>();
        java.time.LocalDate d = java.time.LocalDate.parse("2023-11-01");
        for (int i = 0; i < 8; i++) {
            if (i != 4) { // 2024-03 missing: a gap on the monthly grid
                firsts.add(new Point(d.plusMonths(i).toEpochDay() * DAY + 3_600_000_000L, i, new double[0]));
            }
        }
        Series m = ((Ok) policies("error", "error", "interpolate").assemble("m", TimeKind.TIMESTAMP, firsts, 0)).series();
        assertEquals(TimeGrid.Unit.MONTHS, m.grid.unit());
        assertEquals("P1M", m.grid.frequency());
        assertEquals(8, m.length());
        assertEquals(4f, m.values[4], 0f, "2024-03 interpolated between 3 and 5");
        assertEquals(1, m.quality.gapsFilled());
        assertEquals("2024-02-01T01:00:00Z", TimeFormat.format(TimeKind.TIMESTAMP, m.grid.timeAt(3)));

        List<Point> ends = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            java.time.YearMonth ym = java.time.YearMonth.of(2023, 1).plusMonths(3L * i);
            ends.add(new Point(ym.atEndOfMonth().toEpochDay(), i, new double[0]));
        }
        Series q = ((Ok) policies("error", "error", "error").assemble("q", TimeKind.DATE, ends, 0)).series();
        assertEquals("P3M", q.grid.frequency(), "quarter ends");
        assertEquals("2023-04-30", TimeFormat.format(TimeKind.DATE, q.grid.timeAt(1)));
        assertEquals("2024-10-31", TimeFormat.format(TimeKind.DATE, q.grid.timeAt(7)));
        assertEquals("P7D", TimeGrid.fixed(TimeKind.DATE, 0, 7).frequency());
    }

    private static final java.time.ZoneId NEW_YORK = java.time.ZoneId.of("America/New_York");

    private static SeriesAssembler in(java.time.ZoneId zone, String gaps) {
        return new SeriesAssembler(MissingPolicy.ERROR, DuplicatePolicy.ERROR, Choice.find(GapPolicy.values(), gaps),
                Scaling.SERIES, TargetTransform.NONE, SHAPE, List.of(), 0, zone);
    }

    /** Points at local midnight in {@code zone} on the days from {@code first} to {@code last}, both included. */
    private static List<Point> midnights(java.time.ZoneId zone, String first, String last, int everyDays) {
        List<Point> pts = new ArrayList<>();
        java.time.LocalDate d = java.time.LocalDate.parse(first);
        for (int i = 0; !d.isAfter(java.time.LocalDate.parse(last)); i++, d = d.plusDays(everyDays)) {
            pts.add(new Point(d.atStartOfDay(zone).toInstant().toEpochMilli() * 1000, i, new double[0]));
        }
        return pts;
    }

    private static String local(Series s, long i) {
        return java.time.Instant.ofEpochMilli(s.grid.timeAt(i) / 1000).atZone(NEW_YORK).toLocalDateTime().toString();
    }

    @Test
    void dailySeriesAtLocalMidnightsKeepTheirGridAcrossDaylightSavingChanges() {
        // 2021: New York springs forward on March 14 (a 23-hour day) and falls back on November 7 (25 hours)
        List<Point> pts = midnights(NEW_YORK, "2021-03-01", "2021-11-30", 1);
        Series s = ((Ok) in(NEW_YORK, "error").assemble("ny", TimeKind.TIMESTAMP, pts, 0)).series();
        assertEquals(TimeGrid.Unit.DAYS, s.grid.unit());
        assertEquals(pts.size(), s.length(), "one point per local day, no gap");
        assertEquals(0, s.quality.gapsFilled());
        assertEquals("P1D", s.grid.frequency());
        assertEquals(7, s.grid.season());
        assertEquals("1 day", s.grid.describeStep());
        assertEquals("2021-12-01T00:00", local(s, s.length()), "the continuation stays on local midnights");
        for (int i = 0; i < pts.size(); i++) {
            assertEquals(pts.get(i).t(), s.grid.timeAt(i));
        }

        // a series ending before the spring change: its forecasts continue across it on local midnights
        Series before = ((Ok) in(NEW_YORK, "error").assemble("spring", TimeKind.TIMESTAMP,
                midnights(NEW_YORK, "2021-03-01", "2021-03-12", 1), 0)).series();
        assertEquals(TimeGrid.Unit.DAYS, before.grid.unit(), "local days even when the history has no change");
        int n = before.length();
        assertEquals(List.of("2021-03-13T00:00", "2021-03-14T00:00", "2021-03-15T00:00"),
                List.of(local(before, n), local(before, n + 1), local(before, n + 2)));
        assertEquals(23 * 3_600_000_000L, before.grid.timeAt(n + 2) - before.grid.timeAt(n + 1), "March 14 is 23 h");

        Series weekly = ((Ok) in(NEW_YORK, "error").assemble("w", TimeKind.TIMESTAMP,
                midnights(NEW_YORK, "2021-01-04", "2021-12-27", 7), 0)).series();
        assertEquals("P7D", weekly.grid.frequency());
        assertEquals(52, weekly.length());

        // a gap across the change is a gap of local days, filled or refused as any other
        List<Point> gap = midnights(NEW_YORK, "2021-03-10", "2021-03-20", 1);
        gap.remove(4); // 2021-03-14
        Failed f = assertInstanceOf(Failed.class, in(NEW_YORK, "error").assemble("g", TimeKind.TIMESTAMP, gap, 0));
        assertEquals("series 'g' misses 1 of its 11 points on its 1 day grid; fill them or set"
                + " data.gaps = interpolate", f.message());
    }

    @Test
    void utcAndHourlyGridsStayFixedAndIrregularSeriesAreStillRefused() {
        // the same local-midnight data read in UTC is 23 and 25 hours apart there: irregular, as before
        Failed utc = assertInstanceOf(Failed.class, in(java.time.ZoneOffset.UTC, "interpolate")
                .assemble("ny", TimeKind.TIMESTAMP, midnights(NEW_YORK, "2021-03-01", "2021-04-30", 1), 0));
        assertEquals("series 'ny' is irregularly spaced: its most common step is 1 day but the point at"
                + " 2021-03-15T04:00:00Z is off that grid; resample the input to a regular frequency", utc.message());
        // UTC midnights in UTC: a fixed grid of 24 hours, unchanged
        Series fixed = ((Ok) in(java.time.ZoneId.of("UTC"), "error").assemble("u", TimeKind.TIMESTAMP,
                midnights(java.time.ZoneOffset.UTC, "2021-03-01", "2021-04-30", 1), 0)).series();
        assertEquals(TimeGrid.fixed(TimeKind.TIMESTAMP, fixed.grid.timeAt(0), DAY), fixed.grid);
        assertEquals("PT24H", fixed.grid.frequency());
        // hourly data in New York: fixed hours of UTC, through the change
        List<Point> hourly = new ArrayList<>();
        long t0 = java.time.Instant.parse("2021-03-13T00:00:00Z").toEpochMilli() * 1000;
        for (int i = 0; i < 72; i++) {
            hourly.add(new Point(t0 + i * 3_600_000_000L, i, new double[0]));
        }
        Series h = ((Ok) in(NEW_YORK, "error").assemble("h", TimeKind.TIMESTAMP, hourly, 0)).series();
        assertEquals(TimeGrid.fixed(TimeKind.TIMESTAMP, t0, 3_600_000_000L), h.grid);
        // daily points at a fixed UTC time are 24 hours apart, not local days
        List<Point> noon = midnights(java.time.ZoneOffset.ofHours(-12), "2021-03-01", "2021-04-30", 1);
        assertEquals(TimeGrid.Unit.TICKS, ((Ok) in(NEW_YORK, "error").assemble("n", TimeKind.TIMESTAMP, noon, 0))
                .series().grid.unit());
        // a genuinely irregular series in New York is refused with the same message
        List<Point> odd = midnights(NEW_YORK, "2021-03-01", "2021-03-20", 1);
        odd.set(5, new Point(odd.get(5).t() + 3_600_000_000L, 6, new double[0]));
        Failed f = assertInstanceOf(Failed.class, in(NEW_YORK, "interpolate").assemble("d", TimeKind.TIMESTAMP, odd, 0));
        assertEquals("series 'd' is irregularly spaced: its most common step is 1 day but the point at"
                + " 2021-03-06T06:00:00Z is off that grid; resample the input to a regular frequency", f.message());
    }

    @Test
    void monthlySeriesAtLocalMidnightsFollowTheLocalCalendar() {
        List<Point> firsts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            java.time.LocalDate d = java.time.LocalDate.parse("2021-01-01").plusMonths(i);
            firsts.add(new Point(d.atStartOfDay(NEW_YORK).toInstant().toEpochMilli() * 1000, i, new double[0]));
        }
        Series m = ((Ok) in(NEW_YORK, "error").assemble("m", TimeKind.TIMESTAMP, firsts, 0)).series();
        assertEquals("P1M", m.grid.frequency());
        assertEquals("2022-01-01T00:00", local(m, 12));
        assertEquals("2022-04-01T00:00", local(m, 15), "in daylight-saving time again");
    }

    @Test
    void shortConstantAndIndexSeries() {
        Skipped s = assertInstanceOf(Skipped.class, policies("error", "error", "error")
                .assemble("e", TimeKind.TIMESTAMP, daily(1, 2, 3, 4), 1));
        assertEquals("too short: 4 points, needs at least 5", s.reason());
        List<Point> flat = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            flat.add(new Point(100 + 5L * i, 7.0, new double[0]));
        }
        Series c = ((Ok) policies("error", "error", "error").assemble("f", TimeKind.INDEX, flat, 0)).series();
        assertEquals(5, c.grid.step());
        assertEquals(7f, c.scaler.mean(), 0f);
        assertEquals(1f, c.scaler.scale(), 0f, "constant series: no division by zero");
    }
}
