package org.sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.model.ModelStore;
import org.sparkgru.testing.FaultHooks;
import org.sparkgru.testing.SparkTests;
import picocli.CommandLine;

/**
 * {@code train.localSteps = auto}: the chosen number is recorded, a resume takes it from the checkpoint and ends
 * with the weights of an uninterrupted run with that number set.
 */
class AutoLocalStepsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static final List<String> SMALL = List.of("--set", "model.hidden=8", "--set", "train.iterations=20",
            "--set", "train.batchSize=64", "--set", "train.validationEvery=10", "--set", "train.checkpointEvery=10",
            "--set", "data.partitions=2");

    private static void train(String model, List<String> extra, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("--input", "data-samples/hourly.csv", "--model", model));
        args.addAll(SMALL);
        args.addAll(extra);
        args.addAll(List.of(more));
        TrainJob job = new TrainJob();
        new CommandLine(job).parseArgs(args.toArray(String[]::new));
        job.run(SparkTests.session(), TrainConfig.load(job.config, job.sets));
    }

    @Test
    void theChoiceIsCheckpointedAndAResumeReproducesTheRunWithThatNumber() throws IOException {
        String broken = tmp.resolve("auto").toString();
        List<String> auto = List.of("--set", "train.localSteps=auto");
        IllegalStateException e = FaultHooks.with("stopDriverAt", "15",
                () -> assertThrows(IllegalStateException.class, () -> train(broken, auto)));
        assertTrue(e.getMessage().contains("injected driver failure"));
        JsonNode ckpt = JSON.readTree(Path.of(broken, "checkpoints", "ckpt-000000010.json").toFile());
        int chosen = JSON.readTree(ckpt.get("configuration").asText()).at("/train/localSteps").asInt();
        assertTrue(chosen >= 1 && chosen <= 32, "chosen " + chosen);
        train(broken, auto, "--resume");
        JsonNode summary = ModelStore.load(broken, new Configuration()).metadata().get("training");
        assertEquals(chosen, summary.get("localSteps").asInt(), "the resume took the checkpoint's choice");

        String fixed = tmp.resolve("fixed").toString();
        train(fixed, List.of("--set", "train.localSteps=" + chosen));
        assertArrayEquals(ModelStore.load(fixed, new Configuration()).params(),
                ModelStore.load(broken, new Configuration()).params(), "H = " + chosen + " set by hand, uninterrupted");
        List<String> lines = Files.readAllLines(Path.of(broken, "metrics.jsonl"));
        assertEquals(20, lines.size());
    }
}
