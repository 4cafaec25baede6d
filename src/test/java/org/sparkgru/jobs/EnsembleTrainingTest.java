package org.sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileUtil;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.model.GruModel;
import org.sparkgru.model.ModelStore;
import org.sparkgru.model.ParameterLayout;
import org.sparkgru.testing.SparkTests;
import picocli.CommandLine;

/**
 * {@code model.ensemble} end to end on the sample: member 0 of an ensemble trains exactly as the single network of
 * the same seed (same windows, per-member clipping, an elementwise optimizer; validation only at the end, so the
 * best-so-far weights are the last for both), the ensemble forecasts the median of its members' forecasts, and an
 * ensemble of identical members forecasts exactly what one member does.
 */
class EnsembleTrainingTest {
    private static final String SAMPLE = "data-samples/hourly.csv";
    private static final Configuration CONF = new Configuration();

    @TempDir
    static Path tmp;

    private static String single;
    private static String ensemble;

    private static String train(String name, String... extra) {
        String dir = tmp.resolve(name).toString();
        List<String> args = new ArrayList<>(List.of("--input", SAMPLE, "--model", dir, "--set",
                "data.features=[temperature]", "--set", "train.iterations=15", "--set", "model.hidden=8", "--set",
                "train.validationEvery=1000"));
        args.addAll(List.of(extra));
        TrainJob job = new TrainJob();
        new CommandLine(job).parseArgs(args.toArray(String[]::new));
        try {
            job.run(SparkTests.session(), TrainConfig.load(job.config, job.sets));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return dir;
    }

    @BeforeAll
    static void trainBoth() {
        single = train("single");
        ensemble = train("ensemble", "--set", "model.ensemble=3");
    }

    @Test
    void memberZeroIsTheSingleNetworkBitForBit() throws IOException {
        GruModel one = ModelStore.load(single, CONF);
        GruModel three = ModelStore.load(ensemble, CONF);
        assertEquals(1, one.members());
        assertEquals(3, three.members());
        int p = new ParameterLayout(one.spec()).size();
        assertArrayEquals(one.params(), Arrays.copyOfRange(three.params(), 0, p));
        assertFalse(Arrays.equals(Arrays.copyOfRange(three.params(), 0, p), Arrays.copyOfRange(three.params(), p,
                2 * p)), "members start from different seeds");
    }

    @Test
    void theEnsembleForecastsTheMedianOfItsMembers() throws IOException {
        GruModel three = ModelStore.load(ensemble, CONF);
        int p = new ParameterLayout(three.spec()).size();
        List<Map<String, Double>> members = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            String dir = copyWithWeights(ensemble, "member-" + m, three,
                    Arrays.copyOfRange(three.params(), m * p, (m + 1) * p));
            members.add(forecast(dir));
        }
        Map<String, Double> combined = forecast(ensemble);
        assertEquals(11 * 12, combined.size());
        combined.forEach((key, v) -> {
            double[] d = new double[3];
            for (int m = 0; m < 3; m++) {
                d[m] = members.get(m).get(key);
            }
            Arrays.sort(d);
            assertEquals(d[1], v, 0, key + ": the median member");
        });
    }

    @Test
    void anEnsembleOfIdenticalMembersEqualsOneMember() throws IOException {
        GruModel one = ModelStore.load(single, CONF);
        int p = one.params().length;
        float[] copies = new float[3 * p];
        for (int m = 0; m < 3; m++) {
            System.arraycopy(one.params(), 0, copies, m * p, p);
        }
        String dir = copyWithWeights(single, "identical", one, copies);
        assertEquals(3, ModelStore.load(dir, CONF).members());
        assertEquals(forecast(single), forecast(dir));
    }

    /** A copy of model directory {@code from} (scalers, report, configuration) with other weights. */
    private static String copyWithWeights(String from, String name, GruModel like, float[] params)
            throws IOException {
        Path to = tmp.resolve(name);
        org.apache.hadoop.fs.FileSystem local = org.apache.hadoop.fs.FileSystem.getLocal(CONF);
        FileUtil.copy(local, new org.apache.hadoop.fs.Path(from), local, new org.apache.hadoop.fs.Path(to.toString()),
                false, CONF);
        ModelStore.writeFiles(new GruModel(like.spec(), params, like.metadata()), to.toString(), CONF);
        return to.toString();
    }

    /** Forecasts of the sample by the model in {@code dir}, by "series/step". */
    private static Map<String, Double> forecast(String dir) throws IOException {
        String out = tmp.resolve("out-" + System.nanoTime()).toString();
        ForecastJob job = new ForecastJob();
        new CommandLine(job).parseArgs("--model", dir, "--input", SAMPLE, "--output", out);
        GruModel m = ModelStore.load(dir, CONF);
        job.run(SparkTests.session(), m, job.config(m));
        Map<String, Double> f = new HashMap<>();
        for (Row r : SparkTests.session().read().parquet(out + "/forecasts").collectAsList()) {
            f.put(r.getString(0) + "/" + r.getInt(2), r.getDouble(3));
        }
        return f;
    }
}
