package org.sparkgru.ml;

import org.sparkgru.UserError;

import com.fasterxml.jackson.databind.JsonNode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.config.ConfigError;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.model.GruModel;
import org.sparkgru.model.ModelStore;
import org.sparkgru.testing.SparkTests;

/** The spark.ml API: the README example runs, and models move both ways between the API and the jobs. */
class ApiTest {
    @TempDir
    Path tmp;

    private static List<String> readmeBlock(Path file, String begin, String end) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int a = -1;
        int b = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(begin) && a < 0) {
                a = i;
            } else if (lines.get(i).contains(end) && a >= 0) {
                b = i;
                break;
            }
        }
        return lines.subList(a + 1, b).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void readmeShowsTheCompiledExampleAndItRuns() throws IOException {
        List<String> code = readmeBlock(Path.of("src/test/java/org/sparkgru/ml/ReadmeExample.java"),
                "README-BEGIN", "README-END");
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("```java\n", readme.indexOf("## Library API"));
        String block = readme.substring(start + 8, readme.indexOf("```", start + 8));
        List<String> shown = block.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        assertEquals(code, shown, "README's Java example is ReadmeExample's code");

        String saved = tmp.resolve("api-model").toString();
        Dataset<Row> forecasts = ReadmeExample.run(SparkTests.session(), saved);
        assertEquals(11 * 12, forecasts.count());
        assertEquals(List.of("series", "timestamp", "step", "forecast"), List.of(forecasts.columns()));

        // a model saved by the API forecasts with the forecast job, with the same values
        GruModel m = ModelStore.load(saved, new Configuration());
        Dataset<Row> history = SparkTests.session().read().option("header", "true").option("inferSchema", "true")
                .csv("data-samples/hourly.csv");
        TrainConfig cfg = TrainConfig.fromModel(m.metadata().get("configuration").toString(), List.of());
        Dataset<Row> viaJob = Forecasting.forecast(SparkTests.session(), m, saved, cfg, history, null).forecasts();
        assertEquals(0, viaJob.exceptAll(forecasts).count(), "identical forecasts");
    }

    @Test
    void aModelTrainedByTheJobLoadsInTheApi() throws IOException {
        String dir = tmp.resolve("job-model").toString();
        Dataset<Row> history = SparkTests.session().read().parquet("data-samples/hourly.parquet");
        Training.train(SparkTests.session(), TrainConfig.load(null, List.of("train.iterations=5", "model.hidden=4",
                "model.horizon=6")), history, dir, false, false, null);
        GruForecastModel model = GruForecastModel.load(dir);
        assertEquals(6, model.trainConfig().model().horizon());
        Dataset<Row> f = model.setAsOf("2026-01-20T00:00:00Z").transform(history);
        assertEquals(11 * 6, f.count());
        assertEquals(java.time.Instant.parse("2026-01-20T01:00:00Z"),
                f.where("series = 's0000' and step = 1").first().getTimestamp(1).toInstant());
        assertEquals(List.of("series", "timestamp", "step", "forecast"),
                List.of(model.transformSchema(history.schema()).fieldNames()));
    }

    /** {@code initFrom} is the Estimator's {@code --init-from}: the fitted model records its parent. */
    @Test
    void theEstimatorWarmStartsFromAPreviousModel() throws IOException {
        String parent = tmp.resolve("parent").toString();
        Dataset<Row> history = SparkTests.session().read().parquet("data-samples/hourly.parquet");
        Training.train(SparkTests.session(), TrainConfig.load(null, List.of("train.iterations=3", "model.hidden=4",
                "model.horizon=6")), history, parent, false, false, null);
        String child = tmp.resolve("child").toString();
        new GruForecaster().setHidden(4).setHorizon(6).setMaxIter(2).setInitFrom(parent).setKeepScalers(true)
                .setModelDir(child).fit(history);
        JsonNode p = ModelStore.load(child, new Configuration()).metadata().get("parent");
        assertTrue(p.get("path").asText().endsWith("parent"), p.toString());
        assertTrue(p.get("keepScalers").asBoolean());
        assertThrows(UserError.class, () -> new GruForecaster().setHidden(8).setHorizon(6).setMaxIter(1)
                .setInitFrom(parent).setModelDir(tmp.resolve("other").toString()).fit(history));
    }

    @Test
    void pipelinesWithTheEstimatorAndItsModelSaveAndLoad() throws IOException {
        Dataset<Row> history = SparkTests.session().read().parquet("data-samples/hourly.parquet");
        GruForecaster gru = new GruForecaster().setHidden(4).setMaxIter(3).setHorizon(6)
                .setModelDir(tmp.resolve("fitted").toString()).setConfig("train.checkpointEvery=0");
        String unfitted = tmp.resolve("pipeline").toString();
        new Pipeline().setStages(new PipelineStage[] {gru}).write().save(unfitted);
        Pipeline again = Pipeline.load(unfitted);
        GruForecaster stage = (GruForecaster) again.getStages()[0];
        assertEquals(gru.uid(), stage.uid());
        assertEquals(4, stage.getOrDefault(stage.hidden()));
        assertEquals(List.of("train.checkpointEvery=0"), List.of(stage.getOrDefault(stage.config())));

        PipelineModel fitted = again.fit(history);
        String saved = tmp.resolve("pipeline-model").toString();
        fitted.write().save(saved);
        PipelineModel back = PipelineModel.load(saved);
        GruForecastModel model = (GruForecastModel) back.stages()[0];
        assertEquals(6, model.trainConfig().model().horizon());
        assertEquals(0, back.transform(history).exceptAll(fitted.transform(history)).count(), "identical forecasts");
        assertEquals(11 * 6, back.transform(history).count());
        ModelStore.load(model.directory(), new Configuration()); // the stage is a model directory the jobs read
    }

    /** Typed params for the quantiles and the clamp; transform and transformSchema carry a column per level. */
    @Test
    void aQuantileEstimatorForecastsEveryLevel() {
        Dataset<Row> history = SparkTests.session().read().parquet("data-samples/hourly.parquet");
        GruForecaster gru = new GruForecaster().setHidden(4).setMaxIter(3).setHorizon(6)
                .setQuantiles(new double[] {0.1, 0.5, 0.9}).setNonNegative(true)
                .setModelDir(tmp.resolve("quantiles").toString()).setConfig("train.checkpointEvery=0");
        assertEquals(List.of(0.1, 0.5, 0.9), gru.trainConfig().model().quantiles());
        assertTrue(gru.trainConfig().model().nonNegative());
        GruForecastModel model = gru.fit(history);
        Dataset<Row> f = model.transform(history);
        List<String> columns = List.of("series", "timestamp", "step", "forecast", "q10", "q50", "q90");
        assertEquals(columns, List.of(f.columns()));
        assertEquals(columns, List.of(model.transformSchema(history.schema()).fieldNames()));
        assertEquals(0, f.where("q10 > q50 or q50 > q90 or forecast != q50 or q10 < 0").count());
        assertEquals(11 * 6, f.count());
        assertThrows(IllegalArgumentException.class, () -> new GruForecaster().setQuantiles(new double[] {0.9, 0.5}),
                "validated by the param");
    }

    /** A typed param for the known-future covariates; transform reads them from the rows after the history. */
    @Test
    void aFutureCovariateEstimatorReadsTheRowsAfterTheHistory() {
        Dataset<Row> history = SparkTests.session().read().parquet("data-samples/hourly.parquet")
                .withColumn("promo", org.apache.spark.sql.functions.expr("cast(hour(timestamp) % 5 = 0 as double)"));
        GruForecaster gru = new GruForecaster().setHidden(4).setMaxIter(3).setHorizon(6)
                .setFutureFeatureCols("promo").setModelDir(tmp.resolve("future").toString())
                .setConfig("train.checkpointEvery=0");
        assertEquals(List.of("promo"), gru.trainConfig().data().futureFeatures());
        assertEquals(List.of("store", "size"), new GruForecaster().setStaticFeatureCols("store", "size").trainConfig()
                .data().staticFeatures());
        GruForecastModel model = gru.fit(history);
        Dataset<Row> future = history.groupBy("series").agg(org.apache.spark.sql.functions.max("timestamp").as("last"))
                .crossJoin(SparkTests.session().range(1, 7).toDF("k"))
                .selectExpr("series", "last + make_interval(0, 0, 0, 0, cast(k as int), 0, 0) as timestamp",
                        "cast(null as double) as value")
                .withColumn("promo", org.apache.spark.sql.functions.expr("cast(hour(timestamp) % 5 = 0 as double)"));
        Dataset<Row> f = model.transform(history.unionByName(future, true));
        assertEquals(11 * 6, f.count());
        assertEquals(0, f.where("forecast is null or isnan(forecast)").count());
        // held-out forecasts read the held-out rows' covariates, so they need the whole horizon held out
        ConfigError e = assertThrows(ConfigError.class, () -> model.setHoldout(3).transform(history));
        assertEquals("holdout = 3 with data.futureFeatures = [promo]: the forecast reads the known-future covariates"
                + " of all model.horizon = 6 steps, which the input holds only for the held-out points; set holdout = 6",
                e.getMessage());
        assertEquals(11 * 6, model.setHoldout(6).transform(history).where("not isnan(forecast)").count());
    }

    /** transform with intervalLevels: the conformal columns of forecast.sh --intervals conformal, ordered. */
    @Test
    void conformalIntervalsInTransform() {
        Dataset<Row> history = SparkTests.session().read().parquet("data-samples/hourly.parquet");
        GruForecastModel model = new GruForecaster().setHidden(4).setMaxIter(3).setHorizon(6)
                .setModelDir(tmp.resolve("conformal").toString()).setConfig("train.checkpointEvery=0").fit(history)
                .setIntervalLevels(80, 95).setCalibrationOrigins(20);
        Dataset<Row> f = model.transform(history);
        assertEquals(model.transformSchema(history.schema()), f.schema());
        assertTrue(List.of(f.columns()).containsAll(List.of("lower_80", "upper_80", "lower_95", "upper_95")),
                String.join(", ", f.columns()));
        assertTrue(f.where("upper_95 is not null").count() > 0, "calibrated intervals");
        assertEquals(0, f.where("lower_95 > lower_80 or lower_80 > forecast or forecast > upper_80"
                + " or upper_80 > upper_95").count(), "nested intervals around the forecast");
        UserError e = assertThrows(UserError.class, () -> model.setCalibrationOrigins(5).transform(history));
        assertTrue(e.getMessage().startsWith("intervalLevels 95 needs at least 19 calibration origins"), e.getMessage());
        ConfigError held = assertThrows(ConfigError.class, () -> model.setCalibrationOrigins(20).setHoldout(6)
                .transform(history));
        assertTrue(held.getMessage().contains("set holdout = 0"), held.getMessage());
    }

    @Test
    void paramsAreValidatedLikeTheConfiguration() {
        GruForecaster gru = new GruForecaster().setHidden(0);
        ConfigError e = assertThrows(ConfigError.class, gru::trainConfig);
        assertEquals("model.hidden = 0 is out of range; allowed 1 to 4096", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GruForecaster().setLookback(-1), "validated by the param");
        assertEquals(TrainConfig.AUTO, new GruForecaster().setLookback(0).trainConfig().model().lookback(), "0 is auto");
        assertTrue(new GruForecaster().setConfig("model.variant=reset-after").trainConfig().model().variant().id()
                .equals("reset-after"));
        assertEquals(36, new GruForecaster().setLookback(36).copy(new org.apache.spark.ml.param.ParamMap())
                .trainConfig().model().lookback());
    }
}
