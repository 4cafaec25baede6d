package org.sparkgru.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.config.ConfigError;
import org.sparkgru.testing.SparkTests;
import scala.jdk.javaapi.CollectionConverters;

/**
 * spark.ml tuning of {@link GruForecaster}: {@code holdout} makes the model's output comparable with actual values,
 * {@link GruForecastEvaluator} scores it, and {@code CrossValidator} over whole series finds the known-better point.
 */
class GruForecastEvaluatorTest {
    @TempDir
    Path tmp;

    private static final int SERIES = 8;
    private static final int POINTS = 240;
    private static final int HORIZON = 12;

    /** Hourly series, a pure daily season plus noise of 5% of its amplitude: seasonal naive is nearly right. */
    private static Map<String, double[]> values() {
        Random rnd = new Random(5);
        Map<String, double[]> out = new HashMap<>();
        for (int s = 0; s < SERIES; s++) {
            double level = 100 + 40 * s;
            double amp = 0.4 * level;
            double phase = 2 * Math.PI * rnd.nextDouble();
            double[] v = new double[POINTS];
            for (int t = 0; t < POINTS; t++) {
                v[t] = level + amp * Math.sin(2 * Math.PI * t / 24 + phase) + 0.05 * amp * rnd.nextGaussian();
            }
            out.put("s" + s, v);
        }
        return out;
    }

    private static Dataset<Row> history(Map<String, double[]> values) {
        List<Row> rows = new ArrayList<>();
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        values.forEach((id, v) -> {
            for (int t = 0; t < v.length; t++) {
                rows.add(RowFactory.create(id, Timestamp.from(start.plusSeconds(3600L * t)), v[t]));
            }
        });
        StructType schema = new StructType().add("series", DataTypes.StringType)
                .add("timestamp", DataTypes.TimestampType).add("value", DataTypes.DoubleType);
        return SparkTests.session().createDataFrame(rows, schema);
    }

    private static final String[] SMALL = {"train.iterations=3", "train.validationEvery=3", "train.batchSize=32",
            "train.checkpointEvery=0"};

    private static String[] with(String baseline) {
        List<String> c = new ArrayList<>(List.of(SMALL));
        c.add("model.baseline=" + baseline);
        return c.toArray(String[]::new);
    }

    @Test
    void crossValidationOverWholeSeriesFindsTheKnownBetterBaseline() {
        Map<String, double[]> values = values();
        // each series wholly in one fold: the models are scored on the tails of series they never saw
        Dataset<Row> history = history(values).withColumn("fold", pmod(hash(col("series")), lit(2)));
        GruForecaster gru = new GruForecaster().setHidden(4).setLookback(48).setHorizon(HORIZON)
                .setHoldout(HORIZON);
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(gru.config(), CollectionConverters.asScala(List.of(with("none"), with("seasonal-naive"))))
                .build();
        GruForecastEvaluator mase = new GruForecastEvaluator();
        CrossValidatorModel cv = new CrossValidator().setEstimator(gru).setEstimatorParamMaps(grid)
                .setEvaluator(mase).setNumFolds(2).setFoldCol("fold").setParallelism(2).fit(history);
        double[] avg = cv.avgMetrics();
        assertTrue(avg[1] < 0.5 * avg[0], "seasonal naive under the network " + avg[1] + ", none " + avg[0]);
        GruForecastModel best = (GruForecastModel) cv.bestModel();
        assertEquals("seasonal-naive", best.trainConfig().model().baseline().id());

        // the held-out output: the last HORIZON points of each series with their actual values and MASE scale
        Dataset<Row> held = best.transform(history);
        assertEquals(List.of("series", "timestamp", "step", "forecast", "actual", "maseScale"),
                List.of(held.columns()));
        List<Row> rows = held.collectAsList();
        assertEquals(SERIES * HORIZON, rows.size());
        Map<String, Double> absError = new HashMap<>();
        Map<String, Double> scale = new HashMap<>();
        for (Row r : rows) {
            double[] v = values.get(r.getString(0));
            int t = POINTS - HORIZON + r.getInt(2) - 1;
            assertEquals(v[t], r.getDouble(4), 1e-3, "the actual value");
            assertEquals(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3600L * t), r.getTimestamp(1).toInstant());
            absError.merge(r.getString(0), Math.abs(r.getDouble(3) - r.getDouble(4)), Double::sum);
            scale.put(r.getString(0), r.getDouble(5));
        }
        // an independent MASE: each series' MAE over seasonal naive's in-sample error before the held-out points
        double sum = 0;
        for (Map.Entry<String, double[]> e : values.entrySet()) {
            double[] v = e.getValue();
            double in = 0;
            for (int t = 24; t < POINTS - HORIZON; t++) {
                in += Math.abs(v[t] - v[t - 24]);
            }
            in /= POINTS - HORIZON - 24;
            assertEquals(in, scale.get(e.getKey()), 1e-3 * in, "the MASE scale of " + e.getKey());
            sum += absError.get(e.getKey()) / HORIZON / in;
        }
        assertEquals(sum / SERIES, mase.evaluate(held), 1e-4 * sum / SERIES);
        double mae = absError.values().stream().mapToDouble(Double::doubleValue).sum() / rows.size();
        assertEquals(mae, new GruForecastEvaluator().setMetricName("mae").evaluate(held), 1e-9 * mae);

        // holdout 0: the future again, as jobs/forecast.sh writes it
        Dataset<Row> future = best.copy(new ParamMap()).setHoldout(0).transform(history);
        assertEquals(List.of("series", "timestamp", "step", "forecast"), List.of(future.columns()));
    }

    /**
     * TrainValidationSplit splits rows at random, so both sides hold every series with gaps, which
     * {@code data.gaps = interpolate} fills: it runs, and the score is of the interpolated tails.
     */
    @Test
    void trainValidationSplitRunsOnRandomRows() {
        GruForecaster gru = new GruForecaster().setHidden(4).setLookback(48).setHorizon(HORIZON)
                .setHoldout(HORIZON);
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(gru.config(), CollectionConverters.asScala(List.of(with("none"), with("seasonal-naive"))))
                .build();
        TrainValidationSplitModel tvs = new TrainValidationSplit().setEstimator(gru).setEstimatorParamMaps(grid)
                .setEvaluator(new GruForecastEvaluator()).setTrainRatio(0.8).setSeed(3).fit(history(values()));
        assertEquals(2, tvs.validationMetrics().length);
        assertTrue(Double.isFinite(tvs.validationMetrics()[0]) && Double.isFinite(tvs.validationMetrics()[1]));
    }

    @Test
    void theNewParamsAreValidatedWithOneMessage() throws java.io.IOException {
        ConfigError e = assertThrows(ConfigError.class, () -> new GruForecastEvaluator().setMetricName("mape"));
        assertEquals("metricName mape is not a metric; choose one of mase, smape, mae, rmse", e.getMessage());
        ConfigError h = assertThrows(ConfigError.class, () -> new GruForecaster().setHorizon(6).setHoldout(7)
                .fit(history(values())));
        assertEquals("holdout = 7 is out of range; allowed 0 (forecast the future) to model.horizon = 6",
                h.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GruForecaster().setHoldout(-1));
        GruForecastEvaluator ev = new GruForecastEvaluator().setMetricName("smape");
        assertEquals("smape", ev.copy(new ParamMap()).getOrDefault(ev.metricName()));
        assertTrue(!ev.isLargerBetter());
        String saved = tmp.resolve("evaluator").toString();
        ev.write().save(saved);
        GruForecastEvaluator back = GruForecastEvaluator.load(saved);
        assertEquals(ev.uid(), back.uid());
        assertEquals("smape", back.getOrDefault(back.metricName()));
    }
}
