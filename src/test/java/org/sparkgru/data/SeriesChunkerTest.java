package org.sparkgru.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.sparkgru.testing.SparkTests;

class SeriesChunkerTest {
    private static final int LOOKBACK = 10;
    private static final int HORIZON = 3;
    private static final WindowShape SHAPE = new WindowShape(LOOKBACK, HORIZON);

    private static Series series(String id, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return new Series(id, 0, TimeGrid.fixed(TimeKind.INDEX, 100, 2), v, new float[0], 0,
                new Scaler(5f, 2f, new float[0], new float[0]), HORIZON, 1f, new Series.Quality(0, 0, 0, 0));
    }

    @Test
    void everyTrainingWindowLandsInExactlyOneChunkAndOnlyTheLastValidates() {
        Series s = series("long", 1000);
        List<Series> chunks = SeriesChunker.split(s, 100, LOOKBACK, HORIZON);
        assertTrue(chunks.size() > 10, "cut");
        Set<Float> windowStarts = new HashSet<>();
        int windows = 0;
        for (Series c : chunks) {
            assertTrue(c.length() <= 100 || c == chunks.get(chunks.size() - 1), "chunk size");
            assertEquals(5f, c.scaler.mean(), 0f, "scalers of the whole series");
            assertEquals(c.grid.timeAt(0), 100 + 2 * (long) c.values[0], "grid continues");
            for (int o = 0; o < SHAPE.trainingWindows(c); o++) {
                assertTrue(windowStarts.add(c.values[o]), "window starting at " + c.values[o] + " counted once");
                windows++;
            }
            assertEquals(c == chunks.get(chunks.size() - 1), SHAPE.hasValidation(c));
        }
        assertEquals(SHAPE.trainingWindows(s), windows, "no window lost");
        Series last = chunks.get(chunks.size() - 1);
        assertEquals(999f, last.values[last.length() - 1], 0f, "the validation tail stays at the end");
        Series small = series("short", 90);
        assertEquals(List.of(small), SeriesChunker.split(small, 100, LOOKBACK, HORIZON), "short series stay whole");
    }

    @Test
    void rebalancedPartitionsCarrySimilarWork() {
        List<Series> input = new ArrayList<>();
        input.add(series("giant", 20_000));
        for (int i = 0; i < 20; i++) {
            input.add(series("small" + i, 300));
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTests.session().sparkContext());
        int maxPoints = SeriesChunker.autoChunkPoints(20_000 + 20 * 300, 4, LOOKBACK, HORIZON);
        List<Long> perPartition = SeriesChunker.rebalance(sc.parallelize(input, 4), maxPoints, LOOKBACK, HORIZON, 4)
                .mapPartitions(it -> {
                    long w = 0;
                    while (it.hasNext()) {
                        w += SHAPE.trainingWindows(it.next());
                    }
                    return List.of(w).iterator();
                }).collect();
        long total = perPartition.stream().mapToLong(Long::longValue).sum();
        long max = perPartition.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertEquals(20_000 - 3 - 12 + 20 * (300 - 3 - 12), total, "every window kept");
        assertTrue(max < 2 * total / 4, "largest partition " + max + " vs mean " + total / 4 + ": " + perPartition);
    }
}
