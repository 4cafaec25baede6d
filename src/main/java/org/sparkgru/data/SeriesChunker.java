package org.sparkgru.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Cuts long series into overlapping chunks so that no partition holds much more than its share of the points
 * (one 10-million-point series would otherwise be one task's work every iteration).
 *
 * <p>Chunks are cut along window start offsets: chunk {@code k} owns the training windows starting in
 * {@code [k S, (k + 1) S)} and holds their points, so consecutive chunks overlap by {@code lookback + horizon - 1}
 * points and every training window lies in exactly one chunk; the last chunk also holds the validation tail. The
 * scalers stay those of the whole series. Chunks are then hash-partitioned by (series, chunk) and sorted within
 * partitions, so the layout, and with it training, stays deterministic.
 */
public final class SeriesChunker {
    private SeriesChunker() {
    }

    /** The automatic chunk size: a quarter of a partition's share of all points, at least 4 windows long. */
    public static int autoChunkPoints(long totalPoints, int partitions, int lookback, int horizon) {
        long share = (totalPoints + 4L * partitions - 1) / (4L * partitions);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(4L * (lookback + horizon), share));
    }

    /** The chunks of one series ({@code [s]} when it has at most {@code maxPoints} points). */
    public static List<Series> split(Series s, int maxPoints, int lookback, int horizon) {
        int overlap = lookback + horizon - 1;
        int windows = s.length() - s.validationPoints - overlap;
        if (s.length() <= maxPoints || windows <= 0 || maxPoints <= overlap) {
            return List.of(s);
        }
        int perChunk = maxPoints - overlap;
        List<Series> chunks = new ArrayList<>();
        for (int k = 0, from = 0; from < windows; k++, from += perChunk) {
            boolean last = from + perChunk >= windows;
            int to = last ? s.length() : from + perChunk + overlap;
            chunks.add(s.slice(from, to, k));
        }
        return chunks;
    }

    /** Splits every long series and spreads the chunks over {@code partitions} partitions, sorted by (id, chunk). */
    public static JavaRDD<Series> rebalance(JavaRDD<Series> series, int maxPoints, int lookback, int horizon,
                                            int partitions) {
        return series.flatMap(s -> split(s, maxPoints, lookback, horizon).iterator())
                .mapToPair(c -> new Tuple2<>(String.format("%s\u0000%09d", c.id, c.chunk), c))
                .repartitionAndSortWithinPartitions(new HashPartitioner(partitions))
                .values();
    }
}
