package org.sparkgru.ml;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.data.Scaler;
import org.sparkgru.data.TimeKind;
import org.sparkgru.forecasting.Forecaster;
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
     * @param forecasts columns series, time, step, forecast
     * @param problems  {series id, reason}
     */
    public record Forecasts(Dataset<Row> forecasts, List<String[]> problems) {
    }

    /**
     * The forecasting pipeline on a Dataset, shared by this job and {@link GruForecastModel}: the
     * model's policies and scalers, the last lookback points at or before {@code asOf} (null: all history), and
     * the forward pass on the executors.
     */
    public static Forecasts forecast(SparkSession spark, GruModel m, String modelDir, TrainConfig cfg,
                                     Dataset<Row> df, String asOf) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ModelInput in = ModelInput.prepare(spark, m, modelDir, cfg, df, asOf);
        Broadcast<Map<String, Scaler>> scalers = sc.broadcast(in.trained());
        Broadcast<Forecaster> network = sc.broadcast(in.forecaster());
        TimeKind kind = in.kind();
        DataType timeType = switch (kind) {
            case TIMESTAMP -> DataTypes.TimestampType;
            case DATE -> DataTypes.DateType;
            case INDEX -> DataTypes.LongType;
        };
        JavaRDD<Row> rows = in.series().mapPartitions(it -> network.value().forecast(it, scalers.value()))
                .map(p -> RowFactory.create(p.id(), external(kind, p.tick()), p.step(), p.value()));
        StructType schema = new StructType().add("series", DataTypes.StringType).add("time", timeType)
                .add("step", DataTypes.IntegerType).add("forecast", DataTypes.DoubleType);
        return new Forecasts(spark.createDataFrame(rows, schema), in.problems());
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
