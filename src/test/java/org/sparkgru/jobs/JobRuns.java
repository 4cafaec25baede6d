package org.sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The jobs run as a user runs them, for the end-to-end accuracy tests; a failed run fails with its log. */
final class JobRuns {
    private JobRuns() {
    }

    /**
     * Trains {@code dir/name} on {@code input} with the {@code --set} values {@code settings}, then {@code extra};
     * returns the model directory.
     */
    static String train(Path dir, Path input, String name, List<String> settings, String... extra) {
        String model = dir.resolve(name).toString();
        List<String> args = new ArrayList<>(List.of("--input", input.toString(), "--model", model));
        List<String> all = new ArrayList<>(settings);
        all.addAll(List.of(extra));
        for (String s : all) {
            args.addAll(List.of("--set", s));
        }
        StringWriter log = new StringWriter();
        assertEquals(0, JobRunner.run(new TrainJob(), new PrintWriter(log, true), args.toArray(String[]::new)),
                log.toString());
        return model;
    }

    /** The model's overall MAE in a backtest of {@code origins} origins on {@code input}. */
    static double backtestMae(Path dir, String model, Path input, int origins) throws IOException {
        String eval = dir.resolve("eval-" + Path.of(model).getFileName()).toString();
        StringWriter log = new StringWriter();
        assertEquals(0, JobRunner.run(new EvaluateJob(), new PrintWriter(log, true), "--model", model,
                "--input", input.toString(), "--report", eval, "--origins", String.valueOf(origins)), log.toString());
        JsonNode s = new ObjectMapper().readTree(Path.of(eval, "summary.json").toFile());
        return s.path("overall").path("model").path("MAE").asDouble();
    }
}
