package org.sparkgru.data;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sparkgru.config.DuplicatePolicy;
import org.sparkgru.config.GapPolicy;
import org.sparkgru.config.MissingPolicy;
import org.sparkgru.config.Scaling;
import org.sparkgru.config.TargetTransform;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.metrics.ErrorSums;

/**
 * Turns the rows of one series (any order) into a {@link Series} on a regular grid, applying the data policies of
 * the configuration, or explains why it cannot. Plain Java: the Spark job calls it inside partitions.
 *
 * <p>Steps: sort by time; duplicate times ({@code error} or keep the {@code last} row of equal time in input
 * order); null, NaN or infinite targets and covariates ({@code error}, {@code drop} the row, or
 * {@code interpolate}); infer the step as the most frequent difference between consecutive times (the smallest
 * among ties), or calendar months, or (in a zone with daylight saving) local days ({@link TimeGrid}); points off
 * that grid are an error (irregular spacing); missing grid points ({@code error} or
 * {@code interpolate} linearly); series shorter than {@code lookback + horizon} are skipped; finally the
 * scalers ({@link Scaler#fit}, per {@code data.scaling}) and MASE's scale (seasonal naive with the grid's season)
 * are fitted on the training part, which excludes the last {@code horizon} points.
 *
 * <p>To forecast with known-future covariates ({@link #forecasting}), the rows after a series' last target (target
 * null, or cut by {@code --as-of}) are not missing values but the future: their known-future covariates at the
 * {@code futureSteps} grid points after the last target become {@link Series#future}, each of which must be there
 * (rows at later times are not read).
 */
public final class SeriesAssembler implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    /** Largest grid a series may span, so that one stray timestamp cannot allocate gigabytes. */
    public static final long MAX_GRID = 50_000_000L;

    /** One input row: time in ticks, target (NaN when null), covariates. */
    public record Point(long t, double y, double[] x) implements java.io.Serializable {
    }

    /** The outcome for one series. */
    public sealed interface Result permits Ok, Skipped, Failed, Unidentified {
        /** The series id. */
        String id();
    }

    /** Assembled. */
    public record Ok(Series series) implements Result, java.io.Serializable {
        @Override
        public String id() {
            return series.id;
        }
    }

    /** Left out of training, with the reason (too short). */
    public record Skipped(String id, String reason) implements Result, java.io.Serializable {
    }

    /** A data error under the configured policies; the message names the series, the problem and the setting. */
    public record Failed(String id, String message) implements Result, java.io.Serializable {
    }

    /** Rows without a series id, dropped and counted under {@code data.missing = drop} or {@code interpolate}. */
    public record Unidentified(long rows) implements Result, java.io.Serializable {
        @Override
        public String id() {
            return NO_ID;
        }
    }

    /** How messages name the rows without a series id. */
    public static final String NO_ID = "(no series id)";

    private final MissingPolicy missing;
    private final DuplicatePolicy duplicates;
    private final GapPolicy gaps;
    private final Scaling scaling;
    private final TargetTransform transform;
    private final WindowShape shape;
    private final List<String> futureColumns;
    private final int futureSteps;
    private final ZoneId zone;

    /**
     * @param scaling {@code series}: fit target and covariate scalers per series; {@code window}: covariates
     *                only (the target is scaled per window at use); {@code global} and {@code none}: no
     *                per-series scalers (identity; a global one is set afterwards)
     * @param transform the target's transform: a series with a value outside its domain is refused, and the
     *                  target's scaler is fitted on the transformed values
     * @param shape   series shorter than {@code lookback + horizon} are skipped; the last {@code horizon} points
     *                are the validation tail, left out of the scalers and MASE's scale (0 to forecast)
     */
    public SeriesAssembler(MissingPolicy missing, DuplicatePolicy duplicates, GapPolicy gaps, Scaling scaling,
                           TargetTransform transform, WindowShape shape) {
        this(missing, duplicates, gaps, scaling, transform, shape, List.of(), 0, ZoneOffset.UTC);
    }

    /**
     * As above, reading the known-future covariates {@code futureColumns} (the last covariates of every point) of
     * the {@code futureSteps} grid points after each series' last target (0 steps: none are read), with the local
     * dates of daily and monthly grids in {@code zone} ({@code data.timeZone}).
     */
    public SeriesAssembler(MissingPolicy missing, DuplicatePolicy duplicates, GapPolicy gaps, Scaling scaling,
                           TargetTransform transform, WindowShape shape, List<String> futureColumns,
                           int futureSteps, ZoneId zone) {
        this.zone = zone;
        this.futureColumns = List.copyOf(futureColumns);
        this.futureSteps = futureColumns.isEmpty() ? 0 : futureSteps;
        this.missing = missing;
        this.duplicates = duplicates;
        this.gaps = gaps;
        this.scaling = scaling;
        this.transform = transform;
        this.shape = shape;
    }

    /** The assembler of {@code data}'s policies and scaling for windows of {@code shape}. */
    public static SeriesAssembler of(TrainConfig.Data data, WindowShape shape) {
        return new SeriesAssembler(data.missing(), data.duplicates(), data.gaps(), data.scaling(), data.transform(),
                shape, List.of(), 0, data.timeZone());
    }

    /**
     * The assembler of the forecast job: every point of a series' history is an input ({@code lookback} at least),
     * and the known-future covariates of {@code data.futureFeatures} are read for the {@code horizon} points after
     * its last target.
     */
    public static SeriesAssembler forecasting(TrainConfig.Data data, int lookback, int horizon) {
        return new SeriesAssembler(data.missing(), data.duplicates(), data.gaps(), data.scaling(), data.transform(),
                new WindowShape(lookback, 0), data.futureFeatures(), horizon, data.timeZone());
    }

    /** Assembles one series from its points (in input order; the list is not modified). */
    public Result assemble(String id, TimeKind kind, List<Point> input, int featureCount) {
        return assemble(id, kind, input, featureCount, 0);
    }

    /**
     * As above, for a series that also had {@code untimed} rows with a null time: refused under
     * {@code data.missing = error}, else dropped and counted.
     */
    public Result assemble(String id, TimeKind kind, List<Point> input, int featureCount, int untimed) {
        if (untimed > 0 && missing == MissingPolicy.ERROR) {
            return new Failed(id, "series '" + id + "' has " + untimed + " row(s) with a null time; clean the input"
                    + " or set data.missing = drop");
        }
        List<Point> pts = new ArrayList<>(input);
        pts.sort(Comparator.comparingLong(Point::t));
        int duplicatesResolved = 0;
        List<Point> unique = new ArrayList<>(pts.size());
        for (Point p : pts) {
            if (!unique.isEmpty() && unique.get(unique.size() - 1).t() == p.t()) {
                if (duplicates == DuplicatePolicy.ERROR) {
                    return new Failed(id, "series '" + id + "' has several rows at time " + TimeFormat.format(kind, p.t())
                            + "; remove them or set data.duplicates = last");
                }
                unique.set(unique.size() - 1, p);
                duplicatesResolved++;
            } else {
                unique.add(p);
            }
        }
        List<Point> after = List.of();
        if (futureSteps > 0) {
            int last = unique.size() - 1;
            while (last >= 0 && !Double.isFinite(unique.get(last).y())) {
                last--;
            }
            after = unique.subList(last + 1, unique.size());
            unique = unique.subList(0, last + 1);
        }
        int dropped = untimed;
        int missingCount = 0;
        List<Point> kept = new ArrayList<>(unique.size());
        for (Point p : unique) {
            if (finite(p)) {
                kept.add(p);
            } else if (missing == MissingPolicy.ERROR) {
                return new Failed(id, "series '" + id + "' has a null, NaN or infinite value at time "
                        + TimeFormat.format(kind, p.t()) + "; clean the input or set data.missing = drop or interpolate");
            } else if (missing == MissingPolicy.DROP) {
                dropped++;
            } else {
                kept.add(p);
                missingCount++;
            }
        }
        int minimum = Math.max(2, shape.lookback() + shape.horizon());
        if (kept.size() < minimum) {
            return new Skipped(id, "too short: " + kept.size() + " points, needs at least " + minimum);
        }
        long[] ticks = kept.stream().mapToLong(Point::t).toArray();
        long step = inferStep(ticks);
        TimeGrid grid = grid(kind, ticks, step);
        if (grid == null) {
            for (Point p : kept) {
                if ((p.t() - ticks[0]) % step != 0) {
                    return new Failed(id, "series '" + id + "' is irregularly spaced: its most common step is "
                            + TimeFormat.formatStep(kind, step) + " but the point at " + TimeFormat.format(kind, p.t())
                            + " is off that grid; resample the input to a regular frequency");
                }
            }
        }
        long span = grid.indexOf(ticks[ticks.length - 1]) + 1;
        if (span > MAX_GRID) {
            return new Failed(id, "series '" + id + "' would span " + span + " grid points of " + grid.describeStep()
                    + " (from " + TimeFormat.format(kind, ticks[0]) + " to "
                    + TimeFormat.format(kind, ticks[ticks.length - 1]) + "); check its timestamps");
        }
        int n = (int) span;
        int gapCount = n - kept.size();
        if (gapCount > 0 && gaps == GapPolicy.ERROR) {
            return new Failed(id, "series '" + id + "' misses " + gapCount + " of its " + n + " points on its "
                    + grid.describeStep() + " grid; fill them or set data.gaps = interpolate");
        }
        float[] y = new float[n];
        float[] x = new float[n * featureCount];
        Arrays.fill(y, Float.NaN);
        Arrays.fill(x, Float.NaN);
        for (Point p : kept) {
            int i = (int) grid.indexOf(p.t());
            // a kept non-finite value is missing (data.missing = interpolate): NaN, which interpolation fills
            y[i] = Double.isFinite(p.y()) ? (float) p.y() : Float.NaN;
            for (int f = 0; f < featureCount; f++) {
                x[i * featureCount + f] = Double.isFinite(p.x()[f]) ? (float) p.x()[f] : Float.NaN;
            }
        }
        interpolate(y, 0, 1, n);
        for (int f = 0; f < featureCount; f++) {
            interpolate(x, f, featureCount, n);
        }
        if (Float.isNaN(y[0]) || (featureCount > 0 && hasNaN(x))) {
            return new Failed(id, "series '" + id + "' has no valid value at all in its target or a covariate;"
                    + " remove the series or fix the input");
        }
        for (int t = 0; t < n; t++) {
            if (!transform.accepts(y[t])) {
                return new Failed(id, "series '" + id + "' has the value " + y[t] + " at time "
                        + TimeFormat.format(kind, grid.timeAt(t)) + ", which data.transform = " + transform.id()
                        + " cannot take (it needs values >= 0); set data.transform = none or remove the negative"
                        + " values");
            }
        }
        float[] future = new float[futureSteps * featureCount];
        if (futureSteps > 0) {
            String problem = readFuture(id, kind, grid, n, after, featureCount, future);
            if (problem != null) {
                return new Failed(id, problem);
            }
        }
        int train = n - shape.horizon();
        float[] yScaler = scaling.perSeriesTarget() ? Scaler.fit(transformed(y), 0, 1, train) : new float[] {0f, 1f};
        float[] fMean = new float[featureCount];
        float[] fScale = new float[featureCount];
        for (int f = 0; f < featureCount; f++) {
            float[] s = scaling.perSeriesFeatures() ? Scaler.fit(x, f, featureCount, train) : new float[] {0f, 1f};
            fMean[f] = s[0];
            fScale[f] = s[1];
        }
        return new Ok(new Series(id, 0, grid, y, x, featureCount, future, new Scaler(yScaler[0], yScaler[1], fMean, fScale),
                shape.horizon(), ErrorSums.maseScale(y, train, grid.season()),
                new Series.Quality(dropped, missingCount, duplicatesResolved, gapCount)));
    }

    /**
     * Fills {@code future} with the known-future covariates of grid points {@code n .. n + futureSteps - 1} from the
     * rows {@code after} the last target (NaN in the past covariates' columns), or names the first one missing.
     */
    private String readFuture(String id, TimeKind kind, TimeGrid grid, int n, List<Point> after, int featureCount,
                              float[] future) {
        Map<Long, Point> byTime = new HashMap<>();
        for (Point p : after) {
            byTime.put(p.t(), p);
        }
        int first = featureCount - futureColumns.size();
        Arrays.fill(future, Float.NaN);
        for (int j = 0; j < futureSteps; j++) {
            long t = grid.timeAt(n + j);
            Point p = byTime.get(t);
            for (int k = first; k < featureCount; k++) {
                double v = p == null ? Double.NaN : p.x()[k];
                if (!Double.isFinite(v)) {
                    return "series '" + id + "' has no value of the known-future covariate '"
                            + futureColumns.get(k - first) + "' at " + TimeFormat.format(kind, t) + ", forecast step "
                            + (j + 1) + " of " + futureSteps + " after its last target at "
                            + TimeFormat.format(kind, grid.timeAt(n - 1)) + "; add rows for every step of the"
                            + " horizon with the future values of data.futureFeatures " + futureColumns
                            + " (and an empty target)";
                }
                future[j * featureCount + k] = (float) v;
            }
        }
        return null;
    }

    private float[] transformed(float[] y) {
        if (transform == TargetTransform.NONE) {
            return y;
        }
        float[] t = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            t[i] = transform.apply(y[i]);
        }
        return t;
    }

    /** The outcome for {@code rows} rows without a series id: refused under {@code data.missing = error}. */
    public Result unidentified(long rows) {
        if (missing == MissingPolicy.ERROR) {
            return new Failed(NO_ID, rows + " row(s) have a null series id; clean the input or set data.missing ="
                    + " drop");
        }
        return new Unidentified(rows);
    }

    private static boolean finite(Point p) {
        if (!Double.isFinite(p.y())) {
            return false;
        }
        for (double v : p.x()) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasNaN(float[] a) {
        for (float v : a) {
            if (Float.isNaN(v)) {
                return true;
            }
        }
        return false;
    }

    private static final java.util.Map<TimeKind, Long> DAY_TICKS = java.util.Map.of(TimeKind.TIMESTAMP, 86_400_000_000L,
            TimeKind.DATE, 1L);

    /**
     * The grid through sorted ticks whose most frequent step is {@code step}, or null when they are on none: the fixed
     * grid of that step, unless calendar months fit them (a fixed step cannot hold months of 28 to 31 days); and in a
     * zone with daylight saving, local days when they fit, so that daily points at local midnight, 23 or 25 hours
     * apart around a change, are one grid and their forecasts continue on local midnights. A fixed-offset zone (UTC,
     * the default) keeps the fixed grid: there local days are fixed steps.
     */
    private TimeGrid grid(TimeKind kind, long[] ticks, long step) {
        TimeGrid grid = fixedGrid(kind, ticks, step);
        if (grid == null || grid.step() >= 28 * DAY_TICKS.getOrDefault(kind, Long.MAX_VALUE)) {
            TimeGrid months = TimeGrid.monthlyThrough(kind, ticks, zone);
            if (months != null) {
                return months;
            }
        }
        boolean wholeDays = grid == null || grid.step() % DAY_TICKS.getOrDefault(kind, Long.MAX_VALUE) == 0;
        if (wholeDays && !zone.getRules().isFixedOffset()) {
            TimeGrid days = TimeGrid.daysThrough(kind, ticks, zone);
            if (days != null) {
                return days;
            }
        }
        return grid;
    }

    /** The grid of {@code step} through sorted ticks, or null when a point is off it. */
    private static TimeGrid fixedGrid(TimeKind kind, long[] ticks, long step) {
        for (long t : ticks) {
            if ((t - ticks[0]) % step != 0) {
                return null;
            }
        }
        return TimeGrid.fixed(kind, ticks[0], step);
    }

    /** The most frequent positive difference between consecutive times; the smallest among ties. */
    static long inferStep(long[] sorted) {
        Map<Long, Integer> counts = new HashMap<>();
        for (int i = 1; i < sorted.length; i++) {
            counts.merge(sorted[i] - sorted[i - 1], 1, Integer::sum);
        }
        long best = 0;
        int bestCount = -1;
        for (Map.Entry<Long, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount || (e.getValue() == bestCount && e.getKey() < best)) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best;
    }

    /** Linear interpolation of NaNs in a strided column; leading and trailing NaNs take the nearest value. */
    static void interpolate(float[] a, int off, int stride, int n) {
        int prev = -1;
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(a[off + i * stride])) {
                continue;
            }
            if (prev < 0) {
                for (int k = 0; k < i; k++) {
                    a[off + k * stride] = a[off + i * stride];
                }
            } else if (i - prev > 1) {
                float from = a[off + prev * stride];
                float to = a[off + i * stride];
                for (int k = prev + 1; k < i; k++) {
                    a[off + k * stride] = from + (to - from) * (k - prev) / (i - prev);
                }
            }
            prev = i;
        }
        for (int k = prev + 1; k < n && prev >= 0; k++) {
            a[off + k * stride] = a[off + prev * stride];
        }
    }
}
