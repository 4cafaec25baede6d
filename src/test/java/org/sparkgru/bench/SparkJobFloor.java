package org.sparkgru.bench;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * The cost of a Spark job that does no work, to compare with a training iteration (BENCHMARKS.md, issue 3): on
 * {@code local[2]} with a cached two-partition RDD, the median over 300 jobs of (1) {@code count()} and (2) what an
 * iteration does around its compute: broadcast 52 KB of weights, return a 104 KB array per task through
 * {@code treeAggregate}, destroy the broadcast; and (3) for comparison, one step of a loop that keeps two barrier
 * tasks alive and exchanges the same arrays with {@code allGather}. Run by {@code src/bench/iteration-floor.sh}.
 */
public final class SparkJobFloor {
    private SparkJobFloor() {
    }

    public static void main(String[] args) {
        JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("floor")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
        sc.setLogLevel("WARN");
        JavaRDD<Integer> rdd = sc.parallelize(Arrays.asList(1, 2, 3, 4), 2).persist(StorageLevel.MEMORY_AND_DISK());
        rdd.count();
        int params = 13_000;
        for (int round = 0; round < 2; round++) {
            for (String job : List.of("count", "broadcast + treeAggregate of 104 KB + destroy")) {
                double[] ms = new double[300];
                for (int i = 0; i < ms.length; i++) {
                    long t0 = System.nanoTime();
                    if (job.equals("count")) {
                        rdd.count();
                    } else {
                        Broadcast<float[]> b = sc.broadcast(new float[params]);
                        rdd.mapPartitions(it -> List.of(new long[b.value().length]).iterator())
                                .treeAggregate(new long[0], (x, y) -> y, (x, y) -> y, 2);
                        b.destroy();
                    }
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
                Arrays.sort(ms);
                if (round == 1) {
                    System.out.printf("%s: median %.2f ms (p10 %.2f, p90 %.2f) over %d jobs%n", job, ms[150], ms[30],
                            ms[270], ms.length);
                }
            }
        }
        barrierExchange(rdd, params);
        sc.stop();
    }

    /**
     * The per-step floor of the alternative to a job per iteration: one barrier stage whose two tasks stay alive and
     * exchange their 104 KB gradient sums every step through {@code BarrierTaskContext.allGather} (strings, so
     * Base64), timing 60 steps after 20 warm-up ones inside each task.
     */
    private static void barrierExchange(JavaRDD<Integer> rdd, int params) {
        scala.Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<double[]>> steps =
                (scala.Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<double[]>>
                        & java.io.Serializable) it -> {
                    org.apache.spark.BarrierTaskContext ctx = org.apache.spark.BarrierTaskContext.get();
                    String mine = java.util.Base64.getEncoder().encodeToString(new byte[8 * params]);
                    double[] ms = new double[60];
                    for (int i = -20; i < ms.length; i++) {
                        long t0 = System.nanoTime();
                        long sum = 0;
                        for (String s : ctx.allGather(mine)) {
                            sum += java.util.Base64.getDecoder().decode(s).length;
                        }
                        if (sum != 16L * params) {
                            throw new IllegalStateException("allGather lost data");
                        }
                        if (i >= 0) {
                            ms[i] = (System.nanoTime() - t0) / 1e6;
                        }
                    }
                    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(ms).iterator());
                };
        Object[] perTask = (Object[]) rdd.rdd().barrier().mapPartitions(steps, false,
                scala.reflect.ClassTag$.MODULE$.apply(double[].class)).collect();
        for (Object t : perTask) {
            double[] ms = (double[]) t;
            Arrays.sort(ms);
            System.out.printf("barrier task, allGather of 104 KB per step: median %.2f ms (p10 %.2f, p90 %.2f) over"
                    + " %d steps%n", ms[30], ms[6], ms[54], ms.length);
        }
    }
}
