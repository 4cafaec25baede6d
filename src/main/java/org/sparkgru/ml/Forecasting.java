package org.sparkgru.ml;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkgru.UserError;
import org.sparkgru.config.ConfigError;
import org.sparkgru.config.Fallback;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.data.Scaler;
import org.sparkgru.data.Series;
import org.sparkgru.data.SeriesSource;
import org.sparkgru.data.TimeKind;
import org.sparkgru.config.ConformalIntervals;
import org.sparkgru.forecasting.Forecaster;
import org.sparkgru.io.AtomicFiles;
import org.sparkgru.io.HadoopFiles;
import org.sparkgru.io.ModelDirectory;
import org.sparkgru.metrics.ErrorSums;
import org.sparkgru.metrics.QuantileSums;
import org.sparkgru.model.GruModel;

/**
 * The forecasting pipeline behind {@code jobs/forecast.sh} and {@link GruForecastModel#transform}: the model's
 * data policies and scalers, the history at or before an as-of time, and the forward pass on the executors.
 */
public final class Forecasting {
    private Forecasting() {
    }

    /**
     * Forecasts and the series that could not be forecast.
     *
     * @param forecasts columns as {@link #columns} names them: the input's id and time, step, forecast, and
     *                  {@value #SOURCE} under a fallback policy
     * @param problems  {series id, reason}
     * @param dropped   the input rows the data policies dropped
     */
    public record Forecasts(Dataset<Row> forecasts, List<String[]> problems, DroppedRows dropped) {
    }

    /**
     * The forecasting pipeline on a Dataset, shared by this job and {@link GruForecastModel}: the
     * model's policies and scalers, the last lookback points at or before {@code asOf} (null: all history), and
     * the forward pass on the executors.
     */
    public static Forecasts forecast(SparkSession spark, GruModel m, String modelDir, TrainConfig cfg,
                                     Dataset<Row> df, String asOf) {
        return forecast(spark, m, modelDir, cfg, df, asOf, null);
    }

    /**
     * {@link #forecast(SparkSession, GruModel, String, TrainConfig, Dataset, String)} with conformal intervals
     * ({@link ConformalIntervals}; null: none), whose ends follow the other columns ({@link #columns}).
     */
    public static Forecasts forecast(SparkSession spark, GruModel m, String modelDir, TrainConfig cfg,
                                     Dataset<Row> df, String asOf, ConformalIntervals intervals) {
        columns(cfg, false, intervals);
        ModelInput in = ModelInput.prepare(spark, m, modelDir, cfg, df, asOf, true);
        Fallback policy = cfg.forecast().fallback();
        Shipped shipped = Shipped.of(spark, in, modelDir, policy, intervals);
        TimeKind kind = in.kind();
        boolean flagged = policy != Fallback.NONE;
        int nq = cfg.model().quantiles().size();
        int nb = intervals == null ? 0 : 2 * intervals.levels().length;
        JavaRDD<Row> rows = in.series().mapPartitions(shipped::forecast)
                .map(p -> row(p, kind, flagged, nq, nb));
        return new Forecasts(frame(spark, rows, in, cfg, false, intervals), in.problems(), in.dropped());
    }

    /**
     * One forecast row of {@link #columns}, then {@code extra}: id, time, step, forecast, the source under a fallback
     * policy, the {@code nq} quantiles (null where a baseline forecast) and the {@code nb} interval ends (null
     * where they could not be calibrated).
     */
    private static Row row(Forecaster.Point p, TimeKind kind, boolean flagged, int nq, int nb, Object... extra) {
        List<Object> v = new ArrayList<>(List.of(p.id(), external(kind, p.tick()), p.step(), p.value()));
        if (flagged) {
            v.add(p.source().label());
        }
        for (int q = 0; q < nq; q++) {
            v.add(p.quantiles() == null ? null : p.quantiles()[q]);
        }
        for (int b = 0; b < nb; b++) {
            v.add(p.bounds() == null ? null : p.bounds()[b]);
        }
        v.addAll(Arrays.asList(extra));
        return RowFactory.create(v.toArray());
    }

    /** The forecast rows, whose ids are strings, as a frame with the input's id type ({@link #schema}). */
    private static Dataset<Row> frame(SparkSession spark, JavaRDD<Row> rows, ModelInput in, TrainConfig cfg,
                                      boolean heldOut, ConformalIntervals intervals) {
        ModelInput.IdColumn id = in.id();
        StructType asText = schema(new ModelInput.IdColumn(id.name(), DataTypes.StringType), cfg.data().time(),
                timeType(in.kind()), cfg, heldOut, intervals);
        return id.typed(spark.createDataFrame(rows, asText));
    }

    /** What the executors forecast with: the network, the training scalers and the fallbacks, broadcast once. */
    private record Shipped(Broadcast<Forecaster> network, Broadcast<Map<String, Scaler>> scalers,
                           Broadcast<Forecaster.Fallbacks> fallbacks, ConformalIntervals intervals)
            implements java.io.Serializable {
        static Shipped of(SparkSession spark, ModelInput in, String modelDir, Fallback policy,
                          ConformalIntervals intervals) {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            return new Shipped(sc.broadcast(in.forecaster()), sc.broadcast(in.trained()),
                    sc.broadcast(Forecasting.fallbacks(spark, modelDir, policy)), intervals);
        }

        Iterator<Forecaster.Point> forecast(Iterator<Series> it) {
            return network.value().forecast(it, scalers.value(), fallbacks.value(), intervals);
        }
    }

    /** The column of the held-out actual values ({@link #heldOut}). */
    public static final String ACTUAL = "actual";
    /** The column of each series' MASE scale ({@link #heldOut}). */
    public static final String MASE_SCALE = "maseScale";

    /**
     * Forecasts of each series' last {@code holdout} points (1 to {@code model.horizon}) from the history before
     * them, as {@link #forecast} makes them, beside the held-out {@link #ACTUAL} values and the series'
     * {@link #MASE_SCALE}: seasonal naive's in-sample error on that history with the grid's season, the one scale
     * of {@link ErrorSums#maseScale} that validation and the backtest use. Series shorter than
     * {@code lookback + holdout} points are left out.
     */
    public static Forecasts heldOut(SparkSession spark, GruModel m, String modelDir, TrainConfig cfg, Dataset<Row> df,
                                    String asOf, int holdout) {
        if (holdout < 1) {
            throw new IllegalArgumentException("holdout " + holdout + ": heldOut needs at least one point");
        }
        checkHoldout(holdout, cfg.model().horizon());
        if (!cfg.data().futureFeatures().isEmpty() && holdout < cfg.model().horizon()) {
            throw new ConfigError("holdout = " + holdout + " with data.futureFeatures = " + cfg.data().futureFeatures()
                    + ": the forecast reads the known-future covariates of all model.horizon = " + cfg.model().horizon()
                    + " steps, which the input holds only for the held-out points; set holdout = "
                    + cfg.model().horizon());
        }
        columns(cfg, true);
        ModelInput in = ModelInput.prepare(spark, m, modelDir, cfg, df, asOf);
        Fallback policy = cfg.forecast().fallback();
        Shipped shipped = Shipped.of(spark, in, modelDir, policy, null);
        TimeKind kind = in.kind();
        int lookback = cfg.model().lookback();
        boolean flagged = policy != Fallback.NONE;
        int nq = cfg.model().quantiles().size();
        JavaRDD<Row> rows = in.series().mapPartitions(it -> {
            Map<String, Series> whole = new HashMap<>();
            Map<String, Double> scales = new HashMap<>();
            List<Series> history = new ArrayList<>();
            while (it.hasNext()) {
                Series s = it.next();
                int origin = s.length() - holdout;
                if (origin >= lookback) {
                    whole.put(s.id, s);
                    scales.put(s.id, ErrorSums.maseScale(s.values, origin, s.grid.season()));
                    history.add(s.history(origin));
                }
            }
            List<Row> out = new ArrayList<>();
            Iterator<Forecaster.Point> points = shipped.forecast(history.iterator());
            while (points.hasNext()) {
                Forecaster.Point p = points.next();
                if (p.step() > holdout) {
                    continue;
                }
                Series s = whole.get(p.id());
                int origin = s.length() - holdout;
                double actual = s.values[origin + p.step() - 1];
                double scale = scales.get(p.id());
                out.add(row(p, kind, flagged, nq, 0, actual, scale));
            }
            return out.iterator();
        });
        return new Forecasts(frame(spark, rows, in, cfg, true, null), in.problems(), in.dropped());
    }

    /** Refuses a {@code holdout} param outside 0 to the horizon, with one message naming both. */
    static void checkHoldout(int holdout, int horizon) {
        if (holdout < 0 || holdout > horizon) {
            throw new ConfigError("holdout = " + holdout + " is out of range; allowed 0 (forecast the future) to"
                    + " model.horizon = " + horizon);
        }
    }

    private static DataType timeType(TimeKind kind) {
        return switch (kind) {
            case TIMESTAMP -> DataTypes.TimestampType;
            case DATE -> DataTypes.DateType;
            case INDEX -> DataTypes.LongType;
        };
    }

    /**
     * The names of the forecasts' columns: the input's id and time columns ({@code data.id}, {@code data.time}),
     * so that forecasts join back to the input on them, then step, forecast, {@value #SOURCE} under a fallback
     * policy, one column per quantile of a quantile model ({@link QuantileSums#label}: {@code q10, q50, q90}), and
     * {@value #ACTUAL} and {@value #MASE_SCALE} when held out ({@link #heldOut}). An id or time column named like
     * one of the others is refused.
     */
    public static List<String> columns(TrainConfig cfg, boolean heldOut) {
        return columns(cfg, heldOut, null);
    }

    /** {@link #columns(TrainConfig, boolean)} with the ends of conformal {@code intervals} after the quantiles. */
    public static List<String> columns(TrainConfig cfg, boolean heldOut, ConformalIntervals intervals) {
        List<String> added = new ArrayList<>(List.of("step", "forecast"));
        if (cfg.forecast().fallback() != Fallback.NONE) {
            added.add(SOURCE);
        }
        added.addAll(quantileColumns(cfg));
        if (intervals != null) {
            added.addAll(intervals.columns());
        }
        if (heldOut) {
            added.addAll(List.of(ACTUAL, MASE_SCALE));
        }
        String what = "a forecast column (" + String.join(", ", added) + ")";
        ModelInput.requireOwnName(cfg.data().id(), "data.id", added, what);
        ModelInput.requireOwnName(cfg.data().time(), "data.time", added, what);
        List<String> all = new ArrayList<>(List.of(cfg.data().id(), cfg.data().time()));
        all.addAll(added);
        return all;
    }

    /**
     * The forecasts' schema for an input of schema {@code input} ({@link #columns}): the id of the input's type
     * ({@link ModelInput.IdColumn}), the time as a timestamp, date or long index, step an integer, the rest
     * doubles and the source a string.
     */
    public static StructType schema(StructType input, TrainConfig cfg, boolean heldOut) {
        return schema(input, cfg, heldOut, null);
    }

    /** {@link #schema(StructType, TrainConfig, boolean)} with the ends of conformal {@code intervals}. */
    public static StructType schema(StructType input, TrainConfig cfg, boolean heldOut, ConformalIntervals intervals) {
        columns(cfg, heldOut, intervals);
        TrainConfig.Data d = cfg.data();
        return schema(ModelInput.IdColumn.of(input, d.id()), d.time(), timeType(SeriesSource.timeKind(input, d)),
                cfg, heldOut, intervals);
    }

    /** The quantile columns of a quantile model, in increasing order of level; empty for a point model. */
    public static List<String> quantileColumns(TrainConfig cfg) {
        return cfg.model().quantiles().stream().map(QuantileSums::label).toList();
    }

    private static StructType schema(ModelInput.IdColumn id, String time, DataType timeType, TrainConfig cfg,
                                     boolean heldOut, ConformalIntervals intervals) {
        StructType schema = new StructType().add(id.name(), id.type()).add(time, timeType)
                .add("step", DataTypes.IntegerType).add("forecast", DataTypes.DoubleType);
        if (cfg.forecast().fallback() != Fallback.NONE) {
            schema = schema.add(SOURCE, DataTypes.StringType);
        }
        for (String q : quantileColumns(cfg)) {
            schema = schema.add(q, DataTypes.DoubleType);
        }
        for (String b : intervals == null ? List.<String>of() : intervals.columns()) {
            schema = schema.add(b, DataTypes.DoubleType);
        }
        return heldOut ? schema.add(ACTUAL, DataTypes.DoubleType).add(MASE_SCALE, DataTypes.DoubleType) : schema;
    }

    /** The column naming what forecast each row: model, naive or seasonal_naive ({@code forecast.fallback}). */
    public static final String SOURCE = "source";

    /**
     * The series a baseline forecasts under {@code policy}, from the model's validation-tail report (per-series
     * MAE of the model and of both baselines, and the season its seasonal naive used).
     */
    private static Forecaster.Fallbacks fallbacks(SparkSession spark, String modelDir, Fallback policy) {
        if (policy == Fallback.NONE) {
            return Forecaster.Fallbacks.NONE;
        }
        Path report = new Path(modelDir, ModelDirectory.REPORT);
        try {
            FileSystem fs = HadoopFiles.of(report, spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(new Path(report, AtomicFiles.SUCCESS))) {
                throw new UserError("forecast.fallback = " + policy.id() + " chooses series from the training report,"
                        + " and " + report + " is missing or incomplete; retrain with jobs/train.sh or set"
                        + " forecast.fallback = none");
            }
            int season;
            try (var in = fs.open(new Path(report, "summary.json"))) {
                season = new ObjectMapper().readTree(in).path("season").asInt(1);
            }
            Map<String, Fallback.Source> sources = new HashMap<>();
            // the report's per-series MAE columns, <method>_mae, in Source order (model, naive, seasonal naive)
            Column[] columns = Stream.concat(Stream.of(col("series")), Arrays.stream(Fallback.Source.values())
                    .map(m -> col(m.label() + "_mae"))).toArray(Column[]::new);
            for (Row r : spark.read().parquet(new Path(report, "metrics").toString()).select(columns)
                    .collectAsList()) {
                Fallback.Source src = policy.choose(mae(r, 1), mae(r, 2), mae(r, 3));
                if (src != Fallback.Source.MODEL) {
                    sources.put(r.getString(0), src);
                }
            }
            return new Forecaster.Fallbacks(sources, season);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double mae(Row r, int i) {
        return r.isNullAt(i) ? Double.NaN : r.getDouble(i);
    }

    private static Object external(TimeKind kind, long tick) {
        return switch (kind) {
            case TIMESTAMP -> Timestamp.from(Instant.EPOCH.plusSeconds(Math.floorDiv(tick, 1_000_000L))
                    .plusNanos(Math.floorMod(tick, 1_000_000L) * 1000L));
            case DATE -> Date.valueOf(LocalDate.ofEpochDay(tick));
            case INDEX -> tick;
        };
    }
}
