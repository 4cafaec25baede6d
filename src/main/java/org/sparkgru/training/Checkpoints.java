package org.sparkgru.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkgru.model.HadoopFiles;
import org.sparkgru.model.ModelFormatException;
import org.sparkgru.model.SafeTensors;

/**
 * Checkpoints under {@code MODEL_DIR/checkpoints/}: {@code ckpt-<iteration>.safetensors} holds the current weights,
 * the best weights so far and Adam's moments; {@code ckpt-<iteration>.json} the iteration, optimizer step count,
 * learning-rate factor, best-so-far bookkeeping and the configuration; for L-BFGS {@code ckpt-<iteration>.solver}
 * holds Breeze's optimizer state (Java serialization: the iterate and gradient in double precision and the
 * curvature history). Each file is written under a temporary name and renamed, the JSON last, so a checkpoint exists
 * only once it is complete.
 */
final class Checkpoints {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A restored training state. */
    record State(int iteration, float[] params, float[] best, Map<String, float[]> optimizer, long optimizerSteps,
                 JsonNode info, byte[] solver) {
    }

    private final FileSystem fs;
    private final Path dir;

    Checkpoints(String modelDir, Configuration conf) throws IOException {
        this.dir = new Path(modelDir, "checkpoints");
        this.fs = HadoopFiles.of(dir, conf);
    }

    void write(int iteration, float[] params, float[] best, Map<String, float[]> optimizerState, long optimizerSteps,
               ObjectNode info) throws IOException {
        write(iteration, params, best, optimizerState, optimizerSteps, info, null);
    }

    /** As above, with {@code solver} (may be null) stored as {@code ckpt-<iteration>.solver}. */
    void write(int iteration, float[] params, float[] best, Map<String, float[]> optimizerState, long optimizerSteps,
               ObjectNode info, byte[] solver) throws IOException {
        fs.mkdirs(dir);
        String base = String.format("ckpt-%09d", iteration);
        if (solver != null) {
            writeFile(base + ".solver", out -> out.write(solver));
        }
        int n = params.length;
        List<SafeTensors.Tensor> tensors = new java.util.ArrayList<>(List.of(
                new SafeTensors.Tensor("params", new int[] {n}, params, 0),
                new SafeTensors.Tensor("best", new int[] {n}, best, 0)));
        new java.util.TreeMap<>(optimizerState).forEach((name, a) ->
                tensors.add(new SafeTensors.Tensor(name, new int[] {n}, a, 0)));
        writeFile(base + ".safetensors", out -> SafeTensors.write(out, tensors, Map.of()));
        info.put("iteration", iteration);
        info.put("optimizerSteps", optimizerSteps);
        writeFile(base + ".json", out -> out.write(JSON.writeValueAsBytes(info)));
    }

    /** What goes into one checkpoint file. */
    private interface Content {
        void write(OutputStream out) throws IOException;
    }

    /** Writes {@code name} in the checkpoint directory under a temporary name, then renames it into place. */
    private void writeFile(String name, Content content) throws IOException {
        Path tmp = new Path(dir, "." + name + ".tmp");
        try (OutputStream out = fs.create(tmp, true)) {
            content.write(out);
        }
        rename(tmp, new Path(dir, name));
    }

    private void rename(Path from, Path to) throws IOException {
        if (fs.exists(to)) {
            fs.delete(to, false);
        }
        if (!fs.rename(from, to)) {
            throw new IOException("cannot rename " + from + " to " + to);
        }
    }

    /** The newest complete checkpoint, or null when there is none. */
    State newest(int parameters, java.util.Set<String> optimizerState) throws IOException {
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
            List<String> wanted = new java.util.ArrayList<>(List.of("params", "best"));
            wanted.addAll(new java.util.TreeSet<>(optimizerState));
            String[] names = wanted.toArray(String[]::new);
            if (h.entries().size() != names.length) {
                throw new ModelFormatException(weights + " holds " + h.entries().keySet() + " but this training needs "
                        + wanted + ": it was written with another train.optimizer; resume with the same configuration");
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
            Map<String, float[]> opt = new HashMap<>();
            for (int i = 0; i < names.length; i++) {
                System.arraycopy(all, i * parameters, parts[i], 0, parameters);
                if (i >= 2) {
                    opt.put(names[i], parts[i]);
                }
            }
            Path solverPath = new Path(dir, newest.getName().replace(".json", ".solver"));
            byte[] solver = null;
            if (fs.exists(solverPath)) {
                try (FSDataInputStream s = fs.open(solverPath)) {
                    solver = s.readAllBytes();
                }
            }
            return new State(info.get("iteration").asInt(), parts[0], parts[1], opt,
                    info.get("optimizerSteps").asLong(), info, solver);
        }
    }
}
