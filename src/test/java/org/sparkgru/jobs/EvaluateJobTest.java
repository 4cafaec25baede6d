package org.sparkgru.jobs;

import org.sparkgru.ml.ModelInput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.model.GruModel;
import org.sparkgru.model.ModelStore;
import org.sparkgru.testing.SparkTests;
import picocli.CommandLine;

/** The backtest's metrics against hand computation on a tiny dataset, and its model errors against the forecast job. */
class EvaluateJobTest {
    @TempDir
    Path tmp;

    @Test
    void metricsAndBaselinesMatchHandComputation() throws IOException {
        // one series 1..12 on an integer index (plus a short one that cannot be evaluated)
        Path csv = tmp.resolve("tiny.csv");
        StringBuilder sb = new StringBuilder("series,t,value\n");
        for (int t = 0; t < 12; t++) {
            sb.append("a,").append(t).append(',').append(t + 1).append('\n');
        }
        for (int t = 0; t < 7; t++) {
            sb.append("b,").append(t).append(',').append(5).append('\n');
        }
        Files.writeString(csv, sb.toString());
        String model = trainTiny(csv);

        EvaluateJob eval = new EvaluateJob();
        String report = tmp.resolve("report").toString();
        new CommandLine(eval).parseArgs("--model", model, "--input", csv.toString(), "--format", "csv", "--origins",
                "2", "--season", "2", "--report", report);
        GruModel m = ModelStore.load(model, new Configuration());
        ObjectNode summary = eval.run(SparkTests.session(), m, ModelInput.config(m, model, List.of()));

        // origins at index 8 and 10: actuals 9, 10 and 11, 12
        JsonNode naive = summary.at("/overall/naive");
        assertEquals(1.5, naive.get("MAE").asDouble(), 1e-12, "naive repeats 8 then 10: errors 1, 2, 1, 2");
        assertEquals(Math.sqrt(2.5), naive.get("RMSE").asDouble(), 1e-12);
        assertEquals(100 * (1 / 9.0 + 2 / 10.0 + 1 / 11.0 + 2 / 12.0) / 4, naive.get("MAPE").asDouble(), 1e-9);
        assertEquals(100 * (2 / 17.0 + 4 / 18.0 + 2 / 21.0 + 4 / 22.0) / 4, naive.get("sMAPE").asDouble(), 1e-9);
        assertEquals(0.75, naive.get("MASE").asDouble(), 1e-12, "in-sample seasonal naive error on 1..8 is 2");
        JsonNode seasonal = summary.at("/overall/seasonal_naive");
        assertEquals(2.0, seasonal.get("MAE").asDouble(), 1e-12, "value two steps earlier: always 2 off");
        assertEquals(1.0, seasonal.get("MASE").asDouble(), 1e-12);
        assertEquals(1, summary.get("evaluatedSeries").asInt());
        assertEquals("b", summary.at("/notEvaluatedSeries/0/series").asText());
        assertEquals("too short: 7 points, 2 origin(s) of 2 need at least 8",
                summary.at("/notEvaluatedSeries/0/reason").asText());
        assertEquals(4, summary.get("points").asInt());

        // the model's errors are those of the forecast job's forecasts from the same origins
        double abs = 0;
        for (int origin : new int[] {8, 10}) {
            ForecastJob f = new ForecastJob();
            String out = tmp.resolve("f" + origin).toString();
            new CommandLine(f).parseArgs("--model", model, "--input", csv.toString(), "--format", "csv", "--output",
                    out, "--as-of", String.valueOf(origin - 1));
            f.run(SparkTests.session(), m, f.config(m));
            List<Row> rows = SparkTests.session().read().parquet(out + "/forecasts").where("series = 'a'")
                    .orderBy("step").collectAsList();
            for (Row r : rows) {
                assertEquals(origin + r.getInt(2) - 1, r.getLong(1), "forecast times continue the index");
                abs += Math.abs(r.getDouble(3) - (origin + r.getInt(2)));
            }
        }
        assertEquals(abs / 4, summary.at("/overall/model/MAE").asDouble(), 1e-9);

        Row a = SparkTests.session().read().parquet(report + "/metrics").first();
        assertEquals("a", a.getString(0));
        assertEquals(1.5, a.getDouble(a.fieldIndex("naive_mae")), 1e-12);
        assertTrue(Files.exists(Path.of(report, "_SUCCESS")) && Files.exists(Path.of(report, "summary.json")));
    }

    /**
     * Under {@code data.missing = drop}, the rows without a series id and the rows without a time are dropped and
     * counted in the forecast's and the evaluation's {@code summary.json} under training's names.
     */
    @Test
    void rowsDroppedForAMissingIdOrTimeAreCountedInBothSummaries() throws IOException {
        StringBuilder sb = new StringBuilder("series,t,value\n");
        for (int t = 0; t < 12; t++) {
            sb.append("a,").append(t).append(',').append(t + 1).append('\n');
        }
        Path clean = tmp.resolve("clean.csv");
        Files.writeString(clean, sb.toString());
        sb.append(",3,7\n,4,8\n,,9\n"); // three rows without a series id, one of them without a time too
        sb.append("a,,5\n"); // a row of series a without a time
        Path dirty = tmp.resolve("dirty.csv");
        Files.writeString(dirty, sb.toString());
        String model = trainTiny(clean);
        GruModel m = ModelStore.load(model, new Configuration());

        ForecastJob f = new ForecastJob();
        String out = tmp.resolve("forecast").toString();
        new CommandLine(f).parseArgs("--model", model, "--input", dirty.toString(), "--format", "csv", "--output",
                out, "--set", "data.missing=drop");
        f.run(SparkTests.session(), m, f.config(m));
        JsonNode forecast = new ObjectMapper().readTree(Path.of(out, "summary.json").toFile());
        assertEquals(3, forecast.get("rowsWithoutSeriesId").asInt(), forecast.toString());
        assertEquals(1, forecast.get("droppedMissing").asInt(), forecast.toString());
        assertEquals(1, forecast.get("forecastSeries").asInt());
        assertEquals(0, forecast.get("notForecast").asInt(), "the dropped rows are no series");

        EvaluateJob eval = new EvaluateJob();
        String report = tmp.resolve("report").toString();
        new CommandLine(eval).parseArgs("--model", model, "--input", dirty.toString(), "--format", "csv",
                "--origins", "2", "--report", report, "--set", "data.missing=drop");
        eval.run(SparkTests.session(), m, ModelInput.config(m, model, List.of("data.missing=drop")));
        JsonNode evaluated = new ObjectMapper().readTree(Path.of(report, "summary.json").toFile());
        assertEquals(3, evaluated.get("rowsWithoutSeriesId").asInt(), evaluated.toString());
        assertEquals(1, evaluated.get("droppedMissing").asInt(), evaluated.toString());
        assertEquals(0, evaluated.get("notEvaluated").asInt());
    }

    /** A three-iteration model of a few parameters on {@code csv} (time column t), in tmp/model. */
    private String trainTiny(Path csv) throws IOException {
        String model = tmp.resolve("model").toString();
        TrainJob train = new TrainJob();
        new CommandLine(train).parseArgs("--input", csv.toString(), "--format", "csv", "--model", model, "--set",
                "data.time=t", "--set", "model.lookback=4", "--set", "model.horizon=2", "--set", "model.hidden=3",
                "--set", "train.iterations=3");
        train.run(SparkTests.session(), TrainConfig.load(train.config, train.sets));
        return model;
    }
}
