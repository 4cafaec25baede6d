package org.sparkgru.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.sparkgru.config.CalendarFeature;
import org.sparkgru.config.FileFormat;
import org.sparkgru.config.TrainConfig;

/**
 * Reads a long-format table through Spark SQL and assembles its series inside partitions: rows are hash-partitioned
 * by series id, sorted by (id, time, input order) within partitions, and each run of one id becomes a
 * {@link SeriesAssembler.Result}. Rows with a null id or time are never dropped silently: they go to the assembler's
 * {@code data.missing} policy (refused, or dropped and counted). Nothing is collected to the driver but per-series
 * outcomes.
 */
public final class SeriesSource {
    private static final String ID = "__id";
    private static final String T = "__t";
    private static final String Y = "__y";
    private static final String ROW = "__row";

    private SeriesSource() {
    }

    /**
     * Reads {@code input} ({@code csv} with header and schema inference, {@code parquet}, {@code orc}, {@code json});
     * text timestamps without an offset are read in {@code zone}, never in the JVM's or session's time zone.
     */
    public static Dataset<Row> read(SparkSession spark, String input, FileFormat format, ZoneId zone) {
        var reader = spark.read().format(format.id()).option("timeZone", zone.getId());
        if (format == FileFormat.CSV) {
            reader = reader.option("header", "true").option("inferSchema", "true").option("mode", "FAILFAST");
        }
        return reader.load(input);
    }

    /** The time kind of the configured time column, or an error naming the column and its type. */
    public static TimeKind timeKind(Dataset<Row> df, TrainConfig.Data cfg) {
        return timeKind(df.schema(), cfg);
    }

    /** As {@link #timeKind(Dataset, TrainConfig.Data)}, from the input's schema alone. */
    public static TimeKind timeKind(StructType schema, TrainConfig.Data cfg) {
        DataType t = field(schema, cfg.time()).dataType();
        if (t instanceof TimestampType || t instanceof TimestampNTZType) {
            return TimeKind.TIMESTAMP;
        }
        if (t instanceof DateType) {
            return TimeKind.DATE;
        }
        if (t instanceof IntegerType || t instanceof LongType) {
            return TimeKind.INDEX;
        }
        throw new DataError("time column '" + cfg.time() + "' has type " + t.simpleString()
                + "; it must be a timestamp, a date or an integer index (cast strings with to_timestamp first)");
    }

    private static StructField field(Dataset<Row> df, String name) {
        return field(df.schema(), name);
    }

    private static StructField field(StructType schema, String name) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new DataError("column '" + name + "' is not in the input; it has "
                + String.join(", ", schema.fieldNames()) + " (set data.id, data.time, data.target, data.features)");
    }

    /** Checks that every configured column exists and has a usable type. */
    public static void validate(Dataset<Row> df, TrainConfig.Data cfg) {
        field(df, cfg.id());
        if (timeKind(df, cfg) == TimeKind.INDEX && !cfg.calendar().isEmpty()) {
            throw new DataError("data.calendar = " + cfg.calendar().stream().map(CalendarFeature::id).toList()
                    + " needs a timestamp or date"
                    + " time column, but '" + cfg.time() + "' is an integer index; set data.calendar = []");
        }
        for (String c : cfg.staticFeatures()) {
            DataType t = field(df, c).dataType();
            if (!StaticCovariates.supported(t)) {
                throw new DataError("column '" + c + "' has type " + t.simpleString() + " but a static covariate"
                        + " (data.staticFeatures) must be a category (string, boolean, integer) or numeric (float,"
                        + " double, decimal)");
            }
        }
        List<String> numeric = new ArrayList<>(cfg.covariates());
        numeric.add(0, cfg.target());
        for (String c : numeric) {
            DataType t = field(df, c).dataType();
            if (!(t instanceof NumericType)) {
                throw new DataError("column '" + c + "' has type " + t.simpleString()
                        + " but must be numeric (it is the target, or listed in data.features or data.futureFeatures)");
            }
        }
    }

    /**
     * Assembles every series of {@code df} with {@code assembler} into {@code partitions} partitions, with the
     * static covariates of {@code statics} (fitted on the training input; {@link StaticCovariates#NONE} for none): a
     * series whose rows disagree on one is {@link SeriesAssembler.Failed}.
     */
    public static JavaRDD<SeriesAssembler.Result> assemble(Dataset<Row> df, TrainConfig.Data d,
                                                           SeriesAssembler assembler, int partitions,
                                                           StaticCovariates statics) {
        validate(df, d);
        TimeKind kind = timeKind(df, d);
        Column ticks = switch (kind) {
            case TIMESTAMP -> org.apache.spark.sql.functions.unix_micros(instant(df, d));
            case DATE -> org.apache.spark.sql.functions.unix_date(col(d.time()));
            case INDEX -> col(d.time()).cast(DataTypes.LongType);
        };
        List<Column> cols = new ArrayList<>(List.of(col(d.id()).cast(DataTypes.StringType).as(ID),
                ticks.cast(DataTypes.LongType).as(T),
                col(d.target()).cast(DataTypes.DoubleType).as(Y)));
        List<String> covariates = d.covariates();
        for (int f = 0; f < covariates.size(); f++) {
            cols.add(col(covariates.get(f)).cast(DataTypes.DoubleType).as("__x" + f));
        }
        List<String> staticColumns = statics.columns();
        for (int c = 0; c < staticColumns.size(); c++) {
            cols.add(col(staticColumns.get(c)).cast(c < statics.numericCount() ? DataTypes.DoubleType
                    : DataTypes.StringType).as("__s" + c));
        }
        cols.add(monotonically_increasing_id().as(ROW));
        Dataset<Row> rows = df.select(cols.toArray(Column[]::new))
                .repartition(partitions, col(ID))
                .sortWithinPartitions(ID, T, ROW);
        int features = covariates.size();
        return rows.javaRDD().mapPartitions(it -> new Grouper(it, assembler, kind, features, statics));
    }

    /**
     * The time column as instants: a TIMESTAMP_NTZ value (a wall-clock time) is taken in {@code data.timeZone},
     * through the session's zone that Spark's cast applies.
     */
    private static Column instant(Dataset<Row> df, TrainConfig.Data d) {
        Column t = col(d.time());
        if (field(df, d.time()).dataType() instanceof TimestampNTZType) {
            t = org.apache.spark.sql.functions.convert_timezone(org.apache.spark.sql.functions.lit(
                    d.timeZone().getId()), org.apache.spark.sql.functions.current_timezone(), t);
        }
        return t.cast(DataTypes.TimestampType);
    }

    /** Groups consecutive rows of one id and assembles each group. */
    private static final class Grouper implements Iterator<SeriesAssembler.Result> {
        private final Iterator<Row> rows;
        private final SeriesAssembler assembler;
        private final TimeKind kind;
        private final int features;
        private final StaticCovariates statics;
        /** Per static column: the series' first non-null value (Double or String), then a second one if any. */
        private final Object[] first;
        private final Object[] other;
        private Row pending;

        Grouper(Iterator<Row> rows, SeriesAssembler assembler, TimeKind kind, int features,
                StaticCovariates statics) {
            this.rows = rows;
            this.assembler = assembler;
            this.kind = kind;
            this.features = features;
            this.statics = statics;
            this.first = new Object[statics.columns().size()];
            this.other = new Object[first.length];
            this.pending = rows.hasNext() ? rows.next() : null;
        }

        @Override
        public boolean hasNext() {
            return pending != null;
        }

        @Override
        public SeriesAssembler.Result next() {
            if (pending.isNullAt(0)) { // sorted first
                long rows = 0;
                while (pending != null && pending.isNullAt(0)) {
                    rows++;
                    advance();
                }
                return assembler.unidentified(rows);
            }
            String id = pending.getString(0);
            List<SeriesAssembler.Point> pts = new ArrayList<>();
            int untimed = 0;
            java.util.Arrays.fill(first, null);
            java.util.Arrays.fill(other, null);
            while (pending != null && !pending.isNullAt(0) && pending.getString(0).equals(id)) {
                readStatics();
                if (pending.isNullAt(1)) {
                    untimed++;
                } else {
                    double y = pending.isNullAt(2) ? Double.NaN : pending.getDouble(2);
                    double[] x = new double[features];
                    for (int f = 0; f < features; f++) {
                        x[f] = pending.isNullAt(3 + f) ? Double.NaN : pending.getDouble(3 + f);
                    }
                    pts.add(new SeriesAssembler.Point(pending.getLong(1), y, x));
                }
                advance();
            }
            SeriesAssembler.Result r = assembler.assemble(id, kind, pts, features, untimed);
            return first.length == 0 || !(r instanceof SeriesAssembler.Ok ok) ? r : withStatics(ok);
        }

        private void readStatics() {
            int at = 3 + features;
            for (int c = 0; c < first.length; c++) {
                if (!pending.isNullAt(at + c)) {
                    Object v = pending.get(at + c);
                    if (first[c] == null) {
                        first[c] = v;
                    } else if (other[c] == null && !first[c].equals(v)) {
                        other[c] = v;
                    }
                }
            }
        }

        /** The series with its static covariates, or failed when one varies or a numeric one has no value. */
        private SeriesAssembler.Result withStatics(SeriesAssembler.Ok ok) {
            String id = ok.series().id;
            int numeric = statics.numericCount();
            float[] values = new float[numeric];
            int[] codes = new int[statics.categoricalCount()];
            for (int c = 0; c < first.length; c++) {
                String name = statics.column(c);
                if (other[c] != null) {
                    return new SeriesAssembler.Failed(id, "series '" + id + "' has several values of the static"
                            + " covariate '" + name + "' (" + first[c] + " and " + other[c] + "); a static covariate"
                            + " (data.staticFeatures) is one value per series: correct the input, or list the"
                            + " column in data.features if it changes over time");
                }
                if (c < numeric) {
                    if (first[c] == null || !Double.isFinite((Double) first[c])) {
                        return new SeriesAssembler.Failed(id, "series '" + id + "' has no value of the numeric static"
                                + " covariate '" + name + "'" + (first[c] == null ? "" : " (" + first[c] + ")")
                                + "; give every series one");
                    }
                    values[c] = statics.standardize(c, (Double) first[c]);
                } else {
                    codes[c - numeric] = statics.code(c - numeric, (String) first[c]);
                }
            }
            return new SeriesAssembler.Ok(ok.series().withStatics(new Series.Statics(values, codes)));
        }

        private void advance() {
            pending = rows.hasNext() ? rows.next() : null;
        }
    }
}
