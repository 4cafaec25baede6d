package org.sparkgru.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Realistic synthetic hourly series in long format ({@code series, timestamp, value, temperature}): a level per
 * series spanning three orders of magnitude, a trend, a daily and a weekly cycle, a temperature covariate with its
 * own daily cycle that drives part of the value, and noise. Series {@code s0003} has a 5-hour gap and the last
 * series is shorter than a training window. Each series is generated from {@code (seed, series index)} alone, so
 * any partitioning of the work gives the same data.
 *
 * <p>Usage: {@code SampleGenerator OUT SERIES POINTS SEED [csv|parquet]}. CSV is written by one process; Parquet
 * by Spark ({@code local[*]}), partitioned, for large scale-test datasets (e.g. 100000 series x 1000 points). The
 * samples in {@code data-samples/} are {@code SampleGenerator data-samples/hourly.csv 12 720 7 csv} and
 * {@code SampleGenerator data-samples/hourly.parquet 12 720 7 parquet}.
 */
public final class SampleGenerator {
    private static final Instant START = Instant.parse("2026-01-05T00:00:00Z");

    private SampleGenerator() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 4) {
            System.err.println("usage: SampleGenerator OUT SERIES POINTS SEED [csv|parquet]");
            System.exit(2);
        }
        int series = Integer.parseInt(args[1]);
        int points = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        if (args.length > 4 && args[4].equals("parquet")) {
            writeParquet(args[0], series, points, seed);
        } else {
            writeCsv(Path.of(args[0]), series, points, seed);
        }
    }

    /** The rows of series {@code s}: {id, epoch millis, value, temperature}. */
    static List<Object[]> series(int s, int series, int points, long seed) {
        Random rnd = new Random(seed * 1_000_003L + s);
        String id = String.format("s%04d", s);
        double level = Math.pow(10, 1 + 3 * rnd.nextDouble());
        double trend = (rnd.nextDouble() - 0.3) * 0.4;
        double daily = 0.2 + 0.3 * rnd.nextDouble();
        double weekly = 0.1 * rnd.nextDouble();
        double phase = 2 * Math.PI * rnd.nextDouble();
        double beta = 0.01 * rnd.nextDouble();
        double noise = 0.03 + 0.04 * rnd.nextDouble();
        int n = s == series - 1 ? 40 : points;
        List<Object[]> rows = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            double temp = 10 + 8 * Math.sin(2 * Math.PI * (t - 6) / 24.0) + rnd.nextGaussian();
            double shape = 1 + trend * t / points + daily * Math.sin(2 * Math.PI * t / 24.0 + phase)
                    + weekly * Math.sin(2 * Math.PI * t / 168.0) + beta * (temp - 10) + noise * rnd.nextGaussian();
            if (s == 3 && t >= 300 && t < 305) {
                continue;
            }
            rows.add(new Object[] {id, START.plus(t, ChronoUnit.HOURS).toEpochMilli(),
                    Math.round(level * shape * 1e4) / 1e4, Math.round(temp * 100) / 100.0});
        }
        return rows;
    }

    /** Writes one CSV file. */
    public static void writeCsv(Path out, int series, int points, long seed) throws IOException {
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            w.write("series,timestamp,value,temperature\n");
            for (int s = 0; s < series; s++) {
                for (Object[] r : series(s, series, points, seed)) {
                    w.write(r[0] + "," + Instant.ofEpochMilli((Long) r[1]) + "," + r[2] + "," + r[3] + "\n");
                }
            }
        }
    }

    /** Writes partitioned Parquet with Spark. */
    public static void writeParquet(String out, int series, int points, long seed) {
        SparkSession spark = SparkSession.builder().appName("spark-gru sample generator")
                .master(new org.apache.spark.SparkConf().get("spark.master", "local[*]")).getOrCreate();
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int slices = Math.max(1, Math.min(series, series * (long) points / 2_000_000 + 1) > Integer.MAX_VALUE
                    ? 1 : (int) Math.min(series, series * (long) points / 2_000_000 + 1));
            var rows = sc.parallelize(IntStream.range(0, series).boxed().toList(), slices)
                    .flatMap(s -> series(s, series, points, seed).stream()
                            .map(r -> RowFactory.create(r[0], new Timestamp((Long) r[1]), r[2], r[3])).iterator());
            StructType schema = new StructType().add("series", DataTypes.StringType)
                    .add("timestamp", DataTypes.TimestampType).add("value", DataTypes.DoubleType)
                    .add("temperature", DataTypes.DoubleType);
            spark.createDataFrame(rows.map(r -> (Row) r), schema).write().mode("errorifexists").parquet(out);
        } finally {
            spark.stop();
        }
    }
}
