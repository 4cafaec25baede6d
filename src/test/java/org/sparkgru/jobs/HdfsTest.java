package org.sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.ml.Forecasting;
import org.sparkgru.ml.Training;
import org.sparkgru.model.GruModel;
import org.sparkgru.model.ModelStore;
import org.sparkgru.testing.FaultHooks;
import org.sparkgru.testing.SparkTests;

/**
 * The jobs' pipelines against a real HDFS (Hadoop's in-process MiniDFSCluster on 127.0.0.1): Parquet input on
 * hdfs://, model, checkpoints, metrics and forecasts written to hdfs://, a resume from an HDFS checkpoint that ends
 * with the weights of an uninterrupted run, and the model read back.
 */
class HdfsTest {
    @TempDir
    static Path base;

    private static MiniDFSCluster cluster;
    private static String root;

    @BeforeAll
    static void startHdfs() throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
        conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        root = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
        SparkSession spark = SparkTests.session();
        spark.read().parquet("data-samples/hourly.parquet").write().parquet(root + "/data/hourly");
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    private static final List<String> SETTINGS = List.of("data.features=[temperature]", "model.hidden=8",
            "train.iterations=30", "train.checkpointEvery=10", "train.validationEvery=10");

    @Test
    void trainsResumesAndForecastsOnHdfs() throws IOException {
        SparkSession spark = SparkTests.session();
        String whole = root + "/models/whole";
        Training.train(spark, TrainConfig.load(null, SETTINGS), spark.read().parquet(root + "/data/hourly"), whole,
                false, false, null);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        FileSystem fs = new org.apache.hadoop.fs.Path(whole).getFileSystem(conf);
        for (String f : List.of("_SUCCESS", "model.json", "weights.safetensors", "metrics.jsonl", "scalers",
                "checkpoints/ckpt-000000020.json", "report/report.html")) {
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path(whole, f)), f + " on hdfs");
        }

        String broken = root + "/models/broken";
        IllegalStateException stopped = FaultHooks.with("stopDriverAt", "25", () -> assertThrows(
                IllegalStateException.class, () -> Training.train(spark, TrainConfig.load(null, SETTINGS),
                        spark.read().parquet(root + "/data/hourly"), broken, false, false, null)));
        assertTrue(stopped.getMessage().contains("injected driver failure"), stopped.getMessage());
        Training.train(spark, TrainConfig.load(null, SETTINGS), spark.read().parquet(root + "/data/hourly"), broken,
                true, false, null);
        GruModel a = ModelStore.load(whole, conf);
        GruModel b = ModelStore.load(broken, conf);
        assertArrayEquals(a.params(), b.params(), "resumed from an HDFS checkpoint: same weights");

        TrainConfig cfg = TrainConfig.fromModel(a.metadata().get("configuration").toString(), List.of());
        Forecasting.forecast(spark, a, whole, cfg, spark.read().parquet(root + "/data/hourly"), null).forecasts()
                .write().parquet(root + "/forecasts");
        assertEquals(11 * 12, spark.read().parquet(root + "/forecasts").count());
    }
}
