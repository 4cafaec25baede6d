package org.sparkgru.ml;

import java.io.IOException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The Java example of README.md, verbatim between the markers (ApiTest checks that README shows these lines). */
final class ReadmeExample {
    private ReadmeExample() {
    }

    static Dataset<Row> run(SparkSession spark, String modelPath) throws IOException {
        // README-BEGIN
        Dataset<Row> history = spark.read().option("header", "true").option("inferSchema", "true")
                .csv("data-samples/hourly.csv");

        GruForecaster gru = new GruForecaster()
                .setIdCol("series").setTimeCol("timestamp").setTargetCol("value")
                .setFeatureCols("temperature")
                .setLookback(48).setHorizon(12).setHidden(16)
                .setMaxIter(40).setSeed(7)
                .setConfig("train.validationEvery=20");
        GruForecastModel model = gru.fit(history);

        Dataset<Row> forecasts = model.transform(history);   // series, timestamp, step, forecast
        forecasts.orderBy("series", "step").show(5);

        model.write().overwrite().save(modelPath);            // the same directory jobs/forecast.sh reads
        GruForecastModel again = GruForecastModel.load(modelPath);
        // README-END
        return again.transform(history);
    }
}
