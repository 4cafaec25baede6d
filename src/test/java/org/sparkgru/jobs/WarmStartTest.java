package org.sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.UserError;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.data.Scaler;
import org.sparkgru.data.ScalerTable;
import org.sparkgru.ml.Training;
import org.sparkgru.model.GruModel;
import org.sparkgru.model.ModelStore;
import org.sparkgru.testing.FaultHooks;
import org.sparkgru.testing.SparkTests;
import picocli.CommandLine;

/** {@code train.sh --init-from}: the warm start's weights, inherited keys, scalers, metadata and refusals. */
class WarmStartTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /**
     * One series of exactly lookback + 2 x horizon points has one training window, so every minibatch is that
     * window, whatever the draw: the loss a run reports at an iteration is the loss of the weights it starts the
     * iteration from on the same windows in every run.
     */
    private Path oneWindow() throws IOException {
        List<String> rows = new ArrayList<>(List.of("series,timestamp,value"));
        java.util.Random rnd = new java.util.Random(3);
        for (int t = 0; t < 24; t++) {
            rows.add("a," + java.time.Instant.parse("2026-01-05T00:00:00Z").plusSeconds(3600L * t) + ","
                    + (100 + 20 * Math.sin(2 * Math.PI * t / 8) + rnd.nextGaussian()));
        }
        Path input = tmp.resolve("one-window.csv");
        Files.write(input, rows);
        return input;
    }

    private static final List<String> PARENT = List.of("--set", "model.lookback=12", "--set", "model.horizon=6",
            "--set", "model.hidden=8", "--set", "train.checkpointEvery=0", "--set", "data.partitions=1");

    private static Training.TrainingRun train(Path input, String model, List<String> options, String... more)
            throws IOException {
        List<String> args = new ArrayList<>(List.of("--input", input.toString(), "--model", model));
        args.addAll(options);
        args.addAll(List.of(more));
        TrainJob job = new TrainJob();
        new CommandLine(job).parseArgs(args.toArray(String[]::new));
        return job.run(SparkTests.session(), TrainConfig.load(job.config, job.sets));
    }

    private static List<JsonNode> metrics(String model) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(Path.of(model, "metrics.jsonl"))) {
            lines.add(JSON.readTree(l));
        }
        return lines;
    }

    /**
     * The parent trains 5 iterations (validated only at the end, so its best weights are its last); the same run
     * taken to 6 iterations reports, at iteration 6, the loss of those weights on the one window. The warm-started
     * child's first loss is that number exactly: it starts from the parent's weights, scaled data and windows
     * unchanged, with the parent's lookback filling its {@code auto} one (auto would choose 6 here, not 12).
     */
    @Test
    void firstLossEqualsTheParentsLossOnTheSameWindows() throws Exception {
        Path input = oneWindow();
        String parent = tmp.resolve("parent").toString();
        String longer = tmp.resolve("parent-6").toString();
        String child = tmp.resolve("child").toString();
        train(input, parent, PARENT, "--set", "train.iterations=5");
        train(input, longer, PARENT, "--set", "train.iterations=6");
        train(input, child, List.of("--set", "model.horizon=6", "--set", "model.hidden=8", "--set",
                "train.iterations=1", "--set", "train.checkpointEvery=0", "--set", "data.partitions=1",
                "--init-from", parent));

        double parentLoss = metrics(longer).get(5).get("trainLoss").asDouble();
        double childLoss = metrics(child).get(0).get("trainLoss").asDouble();
        assertEquals(parentLoss, childLoss, 0.0, "the child's first loss is the parent's loss on the same window");
        assertNotEquals(metrics(parent).get(0).get("trainLoss").asDouble(), childLoss,
                "a fresh initialization starts elsewhere");

        GruModel c = ModelStore.load(child, new Configuration());
        JsonNode p = c.metadata().get("parent");
        assertTrue(p.get("path").asText().endsWith(parent), p.toString());
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        assertEquals(HexFormat.of().formatHex(md.digest(Files.readAllBytes(Path.of(parent,
                "weights.safetensors")))), p.get("weightsSha256").asText());
        assertEquals(5, p.at("/training/iterations").asInt());
        assertFalse(p.get("keepScalers").asBoolean());
        assertEquals(12, c.metadata().at("/configuration/model/lookback").asInt(), "auto inherits the parent's");
    }

    /**
     * An interrupted warm-started run resumes from its own checkpoint, not from the parent again: it ends with the
     * weights of the uninterrupted warm-started run.
     */
    @Test
    void aResumedWarmStartContinuesFromItsCheckpoint() throws IOException {
        Path input = oneWindow();
        String parent = tmp.resolve("parent").toString();
        train(input, parent, PARENT, "--set", "train.iterations=3");
        List<String> child = List.of("--set", "model.lookback=12", "--set", "model.horizon=6", "--set",
                "model.hidden=8", "--set", "data.partitions=1", "--set", "train.iterations=20", "--set",
                "train.checkpointEvery=10", "--init-from", parent);
        String whole = tmp.resolve("whole").toString();
        String broken = tmp.resolve("broken").toString();
        train(input, whole, child);
        FaultHooks.with("stopDriverAt", "15", () -> assertThrows(IllegalStateException.class,
                () -> train(input, broken, child)));
        train(input, broken, child, "--resume");
        assertArrayEquals(ModelStore.load(whole, new Configuration()).params(),
                ModelStore.load(broken, new Configuration()).params());
        assertTrue(ModelStore.load(broken, new Configuration()).metadata().at("/parent/path").asText()
                .endsWith("parent"));
    }

    /**
     * A parent trained on one level of the data, the child on the data doubled: per-series scaling refits the
     * scalers by default (the child's table holds the doubled mean); {@code --keep-scalers} keeps the parent's.
     */
    @Test
    void scalersAreRefittedUnlessKept() throws IOException {
        Path input = oneWindow();
        List<String> doubled = new ArrayList<>();
        for (String l : Files.readAllLines(input)) {
            String[] f = l.split(",");
            doubled.add(f[0].equals("series") ? l : f[0] + "," + f[1] + "," + 2 * Double.parseDouble(f[2]));
        }
        Path input2 = tmp.resolve("doubled.csv");
        Files.write(input2, doubled);
        List<String> series = new ArrayList<>(PARENT);
        series.addAll(List.of("--set", "data.scaling=series", "--set", "train.iterations=2"));
        String parent = tmp.resolve("parent").toString();
        train(input, parent, series);
        String refitted = tmp.resolve("refitted").toString();
        String kept = tmp.resolve("kept").toString();
        train(input2, refitted, series, "--init-from", parent);
        train(input2, kept, series, "--init-from", parent, "--keep-scalers");

        Map<String, Scaler> p = ScalerTable.read(SparkTests.session(), parent + "/scalers");
        Map<String, Scaler> r = ScalerTable.read(SparkTests.session(), refitted + "/scalers");
        Map<String, Scaler> k = ScalerTable.read(SparkTests.session(), kept + "/scalers");
        assertEquals(2 * p.get("a").mean(), r.get("a").mean(), 1e-3 * p.get("a").mean(), "refitted on doubled data");
        assertEquals(p.get("a").mean(), k.get("a").mean(), 0f, "kept");
        assertEquals(p.get("a").scale(), k.get("a").scale(), 0f, "kept");
        assertTrue(ModelStore.load(kept, new Configuration()).metadata().at("/parent/keepScalers").asBoolean());
    }

    /** Every architecture key that differs is named with both values; the child's directory is not created. */
    @Test
    void anotherArchitectureIsRefusedNamingEachKey() throws IOException {
        Path input = oneWindow();
        String parent = tmp.resolve("parent").toString();
        train(input, parent, PARENT, "--set", "train.iterations=1");
        String child = tmp.resolve("child").toString();
        UserError e = assertThrows(UserError.class, () -> train(input, child, PARENT, "--set", "model.hidden=16",
                "--set", "model.variant=reset-after", "--init-from", parent));
        assertTrue(e.getMessage().contains("the architecture differs (model.hidden = 16 here, 8 in the parent;"
                + " model.variant = reset-after here, reset-before in the parent)"), e.getMessage());
        assertFalse(Files.exists(Path.of(child)), "nothing written");
    }

    /** An unfinished parent, a missing one, and the parent as its own child are refused. */
    @Test
    void unusableParentsAreRefused() throws IOException {
        Path input = oneWindow();
        Path unfinished = Files.createDirectories(tmp.resolve("unfinished"));
        Files.writeString(unfinished.resolve("model.json"), "{}");
        UserError e = assertThrows(UserError.class, () -> train(input, tmp.resolve("c1").toString(), PARENT,
                "--init-from", unfinished.toString()));
        assertTrue(e.getMessage().startsWith("--init-from " + unfinished + " is not a complete model (no _SUCCESS"),
                e.getMessage());
        e = assertThrows(UserError.class, () -> train(input, tmp.resolve("c2").toString(), PARENT,
                "--init-from", tmp.resolve("nowhere").toString()));
        assertTrue(e.getMessage().endsWith("does not exist; pass the directory of a finished training"),
                e.getMessage());

        String parent = tmp.resolve("parent").toString();
        train(input, parent, PARENT, "--set", "train.iterations=1");
        float[] before = ModelStore.load(parent, new Configuration()).params();
        e = assertThrows(UserError.class, () -> train(input, parent, PARENT, "--overwrite", "--init-from", parent));
        assertTrue(e.getMessage().contains("--init-from and --model both name"), e.getMessage());
        String spelledOtherwise = Path.of("").toAbsolutePath().relativize(Path.of(parent)).toString(); // relative
        e = assertThrows(UserError.class, () -> train(input, parent, PARENT, "--overwrite", "--init-from",
                spelledOtherwise));
        assertTrue(e.getMessage().contains("--init-from and --model both name"), e.getMessage());
        assertArrayEquals(before, ModelStore.load(parent, new Configuration()).params(), "the parent stays");
    }
}
