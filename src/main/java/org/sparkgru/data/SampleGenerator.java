package org.sparkgru.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;

/**
 * Writes realistic synthetic hourly series in long format ({@code series,timestamp,value,temperature}): a level
 * per series spanning three orders of magnitude, a trend, a daily and a weekly cycle, a temperature covariate with
 * its own daily cycle that drives part of the value, and noise. Series {@code s03} has a 5-hour gap and the last
 * series is shorter than a training window. Deterministic for a seed.
 *
 * <p>Usage: {@code SampleGenerator OUT.csv [SERIES] [POINTS] [SEED]}; the sample in {@code data-samples/} is
 * {@code SampleGenerator data-samples/hourly.csv 12 720 7}.
 */
public final class SampleGenerator {
    private SampleGenerator() {
    }

    public static void main(String[] args) throws IOException {
        int series = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        int points = args.length > 2 ? Integer.parseInt(args[2]) : 720;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 7;
        write(Path.of(args[0]), series, points, seed);
    }

    /** Writes the CSV file. */
    public static void write(Path out, int series, int points, long seed) throws IOException {
        Random rnd = new Random(seed);
        Instant start = Instant.parse("2026-01-05T00:00:00Z");
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            w.write("series,timestamp,value,temperature\n");
            for (int s = 0; s < series; s++) {
                String id = String.format("s%02d", s);
                double level = Math.pow(10, 1 + 3 * rnd.nextDouble());
                double trend = (rnd.nextDouble() - 0.3) * 0.4;
                double daily = 0.2 + 0.3 * rnd.nextDouble();
                double weekly = 0.1 * rnd.nextDouble();
                double phase = 2 * Math.PI * rnd.nextDouble();
                double beta = 0.01 * rnd.nextDouble();
                double noise = 0.03 + 0.04 * rnd.nextDouble();
                int n = s == series - 1 ? 40 : points;
                for (int t = 0; t < n; t++) {
                    if (s == 3 && t >= 300 && t < 305) {
                        continue;
                    }
                    double temp = 10 + 8 * Math.sin(2 * Math.PI * (t - 6) / 24.0) + rnd.nextGaussian();
                    double shape = 1 + trend * t / points + daily * Math.sin(2 * Math.PI * t / 24.0 + phase)
                            + weekly * Math.sin(2 * Math.PI * t / 168.0) + beta * (temp - 10)
                            + noise * rnd.nextGaussian();
                    w.write(id + "," + start.plus(t, ChronoUnit.HOURS) + "," + String.format("%.4f", level * shape)
                            + "," + String.format("%.2f", temp) + "\n");
                }
            }
        }
    }
}
