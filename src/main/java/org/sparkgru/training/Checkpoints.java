package org.sparkgru.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkgru.io.AtomicFiles;
import org.sparkgru.io.DirectoryLock;
import org.sparkgru.io.ModelDirectory;
import org.sparkgru.model.ModelFormatException;
import org.sparkgru.model.SafeTensors;

/**
 * Checkpoints under {@code MODEL_DIR/checkpoints/}, each one {@link TrainingState}: {@code ckpt-<iteration>.safetensors}
 * holds the current weights, the best weights so far and the optimizer's arrays (Adam's moments, SGD's velocity);
 * {@code ckpt-<iteration>.json} the iteration, optimizer step count, learning-rate factor, bad-step count,
 * best-so-far bookkeeping and the configuration; for L-BFGS {@code ckpt-<iteration>.solver} holds Breeze's optimizer
 * state ({@link LbfgsState}). Each file goes through {@link AtomicFiles#writeFile}, the JSON last, so a checkpoint
 * exists only once it is complete. A run that lost the model directory's {@link DirectoryLock} writes none.
 */
final class Checkpoints {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileSystem fs;
    private final Path dir;
    private final DirectoryLock lock;

    /** The checkpoints of {@code model}, written only while this run holds its {@code lock}. */
    Checkpoints(ModelDirectory model, DirectoryLock lock) {
        this.dir = model.checkpoints();
        this.fs = model.fs();
        this.lock = lock;
    }

    /** The {@code ckpt-*.json} of the newest checkpoint, or null when there is none. */
    private Path newestInfo() throws IOException {
        if (!fs.exists(dir)) {
            return null;
        }
        Path newest = null;
        for (FileStatus st : fs.listStatus(dir)) {
            String name = st.getPath().getName();
            if (name.startsWith("ckpt-") && name.endsWith(".json")
                    && (newest == null || name.compareTo(newest.getName()) > 0)) {
                newest = st.getPath();
            }
        }
        return newest;
    }

    /** The configuration (JSON) the newest checkpoint was written with, or null when there is no checkpoint. */
    String newestConfiguration() throws IOException {
        Path newest = newestInfo();
        if (newest == null) {
            return null;
        }
        try (FSDataInputStream in = fs.open(newest)) {
            JsonNode c = JSON.readTree(in).get("configuration");
            return c == null ? null : c.asText();
        }
    }

    /** The directory, for messages. */
    Path dir() {
        return dir;
    }

    /** Saves {@code state}, with the effective configuration (JSON) for the record. */
    void write(TrainingState state, String configuration) throws IOException {
        lock.ensureHeld("the checkpoint of iteration " + state.iteration());
        String base = String.format("ckpt-%09d", state.iteration());
        TrainingState.Rule rule = state.rule();
        if (rule.solver() != null) {
            AtomicFiles.writeFile(fs, new Path(dir, base + ".solver"), out -> out.write(rule.solver()));
        }
        int n = state.params().length;
        List<SafeTensors.Tensor> tensors = new ArrayList<>(List.of(
                new SafeTensors.Tensor("params", new int[] {n}, state.params(), 0),
                new SafeTensors.Tensor("best", new int[] {n}, state.best().weights(), 0)));
        new TreeMap<>(rule.optimizer()).forEach((name, a) ->
                tensors.add(new SafeTensors.Tensor(name, new int[] {n}, a, 0)));
        AtomicFiles.writeFile(fs, new Path(dir, base + ".safetensors"),
                out -> SafeTensors.write(out, tensors, Map.of()));
        ObjectNode info = JSON.createObjectNode();
        info.put("lrFactor", rule.lrFactor());
        info.put("badSteps", rule.badSteps());
        TrainingState.Best best = state.best();
        info.put("bestMae", best.mae());
        info.put("bestIteration", best.iteration());
        info.put("sinceBest", best.sinceBest());
        if (best.metrics() != null) {
            info.set("bestMetrics", JSON.valueToTree(best.metrics().toArray()));
        }
        info.put("configuration", configuration);
        info.put("iteration", state.iteration());
        info.put("optimizerSteps", rule.optimizerSteps());
        AtomicFiles.writeFile(fs, new Path(dir, base + ".json"), out -> out.write(JSON.writeValueAsBytes(info)));
    }

    /**
     * The newest complete checkpoint, or null when there is none.
     *
     * @param parameters      the model's parameter count
     * @param optimizerArrays the names of the optimizer's arrays the checkpoint must hold
     */
    TrainingState newest(int parameters, Set<String> optimizerArrays) throws IOException {
        Path newest = newestInfo();
        if (newest == null) {
            return null;
        }
        JsonNode info;
        try (FSDataInputStream in = fs.open(newest)) {
            info = JSON.readTree(in);
        }
        Path weights = new Path(dir, newest.getName().replace(".json", ".safetensors"));
        long len = fs.getFileStatus(weights).getLen();
        try (FSDataInputStream raw = fs.open(weights); DataInputStream in = new DataInputStream(raw)) {
            SafeTensors.Header h = SafeTensors.readHeader(in, len, weights.toString());
            Map<String, Integer> offsets = new HashMap<>();
            List<String> wanted = new ArrayList<>(List.of("params", "best"));
            wanted.addAll(new TreeSet<>(optimizerArrays));
            String[] names = wanted.toArray(String[]::new);
            if (h.entries().size() != names.length) {
                throw new ModelFormatException(weights + " holds " + h.entries().keySet() + " but this training needs "
                        + wanted + ": it was written with another train.optimizer or train.innerState; resume with the same"
                        + " configuration");
            }
            for (int i = 0; i < names.length; i++) {
                SafeTensors.Entry e = h.entries().get(names[i]);
                if (e == null || e.shape().length != 1 || e.shape()[0] != parameters) {
                    throw new ModelFormatException(weights + " does not hold '" + names[i] + "' for " + parameters
                            + " parameters: the checkpoint belongs to another model; remove " + dir
                            + " or train without --resume");
                }
                offsets.put(names[i], i * parameters);
            }
            float[] all = new float[names.length * parameters];
            SafeTensors.readData(in, len - h.dataStart(), offsets, h, all, weights.toString());
            float[][] parts = new float[names.length][parameters];
            Map<String, float[]> optimizer = new HashMap<>();
            for (int i = 0; i < names.length; i++) {
                System.arraycopy(all, i * parameters, parts[i], 0, parameters);
                if (i >= 2) {
                    optimizer.put(names[i], parts[i]);
                }
            }
            Path solverPath = new Path(dir, newest.getName().replace(".json", ".solver"));
            byte[] solver = null;
            if (fs.exists(solverPath)) {
                try (FSDataInputStream s = fs.open(solverPath)) {
                    solver = s.readAllBytes();
                }
            }
            Validation metrics = info.has("bestMetrics")
                    ? Validation.fromArray(JSON.convertValue(info.get("bestMetrics"), double[].class)) : null;
            TrainingState.Best best = new TrainingState.Best(parts[1], info.get("bestMae").asDouble(),
                    info.get("bestIteration").asInt(), info.get("sinceBest").asInt(), metrics);
            TrainingState.Rule rule = new TrainingState.Rule(optimizer, info.get("optimizerSteps").asLong(),
                    info.path("lrFactor").asDouble(1), info.path("badSteps").asInt(0), solver);
            return new TrainingState(info.get("iteration").asInt(), parts[0], best, rule);
        }
    }
}
