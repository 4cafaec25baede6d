package org.sparkgru.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkgru.UserError;
import org.sparkgru.io.AtomicFiles;
import org.sparkgru.io.HadoopFiles;
import org.sparkgru.io.ModelDirectory;

/**
 * Reads and writes model directories on any Hadoop FileSystem ({@code file:}, {@code hdfs:}, {@code s3a:}).
 *
 * <p>A model directory holds:
 * <ul>
 *   <li>{@value #DESCRIPTION}: {@code {"format":"spark-gru-model", "formatVersion":1, "architecture":{"cell":"gru",
 *       "variant", "inputSize", "hidden", "layers", "members", "head":{"type", "horizon", "targets"[, "context"][, "embeddings":{"dim", "vocabularies":[rows, ...]}] |
 *       "classes"}},
 *       "weights":{"file":"weights.safetensors", "dtype":"F32", "parameters":N}, "metadata":{...}}};</li>
 *   <li>{@value #WEIGHTS}: the parameters as safetensors, one tensor per {@link ParameterLayout} block, under the
 *       block names and shapes documented there, in layout order; an ensemble of {@code members > 1} networks
 *       ({@link Ensemble}) has every member's blocks, named {@code members.m.<block>}.</li>
 * </ul>
 * Saving writes both files and {@code _SUCCESS} into a staging sibling directory and moves it into place
 * ({@link AtomicFiles}), so a reader never sees a half-written model; an existing directory is replaced only when asked. Loading validates the description, then
 * the weights header against the file length and the architecture before allocating the parameters.
 */
public final class ModelStore {
    /** The JSON description's file name. */
    public static final String DESCRIPTION = ModelDirectory.DESCRIPTION;
    /** The weights' file name. */
    public static final String WEIGHTS = ModelDirectory.WEIGHTS;
    /** The format identifier in the description. */
    public static final String FORMAT = "spark-gru-model";
    /** The description format version this build reads and writes. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelStore() {
    }

    /**
     * Saves {@code model} to {@code dir}.
     *
     * @param overwrite replace an existing directory; otherwise an existing {@code dir} is a {@link UserError}
     */
    public static void save(GruModel model, String dir, boolean overwrite, Configuration conf) throws IOException {
        Path target = new Path(dir);
        AtomicFiles.writeDirectory(HadoopFiles.of(target, conf), target, overwrite, "model directory",
                "path", staging -> {
                    writeFiles(model, staging.toString(), conf);
                    return null;
                });
    }

    /**
     * Writes {@value #WEIGHTS} then {@value #DESCRIPTION} into {@code dir} (created if needed, other files left
     * alone), each through {@link AtomicFiles#writeFile}, so neither is ever seen half-written. The training
     * job uses this for its model directory, which also holds checkpoints and metrics, and marks it complete
     * afterwards.
     */
    public static void writeFiles(GruModel model, String dir, Configuration conf) throws IOException {
        ModelDirectory d = ModelDirectory.of(dir, conf);
        AtomicFiles.writeFile(d.fs(), d.weights(), out -> SafeTensors.write(out, tensors(model),
                Map.of("format", FORMAT)));
        AtomicFiles.writeFile(d.fs(), d.description(), out -> out.write(JSON.writeValueAsBytes(describe(model))));
    }

    /** Loads and validates the model in {@code dir}. */
    public static GruModel load(String dir, Configuration conf) throws IOException {
        Path root = new Path(dir);
        FileSystem fs = HadoopFiles.of(root, conf);
        Path descPath = new Path(root, DESCRIPTION);
        if (!fs.exists(descPath)) {
            throw new ModelFormatException("no model at " + root + ": " + DESCRIPTION
                    + " is missing; pass the directory a training job wrote");
        }
        JsonNode desc;
        try (FSDataInputStream in = fs.open(descPath)) {
            desc = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(descPath + " is not valid JSON (" + e.getOriginalMessage()
                    + "); restore it from the saved model", e);
        }
        NetworkSpec spec = parseSpec(desc, descPath.toString());
        ObjectNode metadata = desc.path("metadata").isObject() ? (ObjectNode) desc.get("metadata") : null;
        Path weights = new Path(root, WEIGHTS);
        float[] params = readWeights(fs, weights, new ParameterLayout(spec), members(desc, descPath.toString()));
        return new GruModel(spec, params, metadata);
    }

    /** The description JSON of a model. */
    public static ObjectNode describe(GruModel model) {
        NetworkSpec s = model.spec();
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("formatVersion", FORMAT_VERSION);
        ObjectNode arch = root.putObject("architecture");
        arch.put("cell", "gru");
        arch.put("variant", s.variant().id());
        arch.put("inputSize", s.inputSize());
        arch.put("hidden", s.hidden());
        arch.put("layers", s.layers());
        arch.put("members", model.members());
        ObjectNode head = arch.putObject("head");
        head.put("type", s.head().id());
        if (s.head() == HeadType.REGRESSION) {
            head.put("horizon", s.horizon());
            head.put("targets", s.targets());
            if (s.context() > 0) {
                head.put("context", s.context());
            }
            if (!s.vocabularies().isEmpty()) {
                ObjectNode e = head.putObject("embeddings");
                e.put("dim", s.embeddingDim());
                s.vocabularies().forEach(e.putArray("vocabularies")::add);
            }
        } else {
            head.put("classes", s.classes());
        }
        ObjectNode w = root.putObject("weights");
        w.put("file", WEIGHTS);
        w.put("dtype", "F32");
        w.put("parameters", model.params().length);
        root.set("metadata", model.metadata());
        return root;
    }

    private static NetworkSpec parseSpec(JsonNode desc, String file) {
        if (!FORMAT.equals(desc.path("format").asText())) {
            throw new ModelFormatException(file + " is not a spark-gru model description (\"format\" is "
                    + desc.path("format") + ", expected \"" + FORMAT + "\")");
        }
        JsonNode version = desc.path("formatVersion");
        if (!version.isInt() || version.asInt() != FORMAT_VERSION) {
            throw new ModelFormatException(file + " has format version " + version + " but this spark-gru reads version "
                    + FORMAT_VERSION + "; use the spark-gru release that wrote the model, or retrain it");
        }
        JsonNode arch = desc.path("architecture");
        String cell = text(arch, "cell", file);
        if (!cell.equals("gru")) {
            throw new ModelFormatException(file + ": architecture.cell is '" + cell + "', expected 'gru'");
        }
        try {
            Variant variant = Variant.parse(text(arch, "variant", file));
            JsonNode head = arch.path("head");
            HeadType type = HeadType.parse(text(head, "type", file));
            int in = integer(arch, "inputSize", file);
            int hidden = integer(arch, "hidden", file);
            int layers = integer(arch, "layers", file);
            java.util.List<Integer> vocabularies = new java.util.ArrayList<>();
            int dim = 0;
            if (head.has("embeddings")) {
                JsonNode e = head.path("embeddings");
                dim = integer(e, "dim", file);
                JsonNode v = e.path("vocabularies");
                if (!v.isArray()) {
                    throw new ModelFormatException(file + ": architecture.head.embeddings.vocabularies must be an"
                            + " array of row counts");
                }
                for (JsonNode n : v) {
                    if (!n.isInt()) {
                        throw new ModelFormatException(file + ": architecture.head.embeddings.vocabularies holds "
                                + n + ", expected whole numbers");
                    }
                    vocabularies.add(n.asInt());
                }
            }
            return type == HeadType.REGRESSION
                    ? NetworkSpec.regression(in, hidden, layers, variant, integer(head, "horizon", file),
                    integer(head, "targets", file), head.has("context") ? integer(head, "context", file) : 0,
                    vocabularies, dim)
                    : NetworkSpec.classification(in, hidden, layers, variant, integer(head, "classes", file));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": invalid architecture: " + e.getMessage(), e);
        }
    }

    /** {@code architecture.members}: the ensemble's size; 1 when absent (models written before ensembles). */
    private static int members(JsonNode desc, String file) {
        JsonNode m = desc.path("architecture").path("members");
        if (m.isMissingNode()) {
            return 1;
        }
        if (!m.isInt() || m.asInt() < 1 || m.asInt() > Ensemble.MAX_MEMBERS) {
            throw new ModelFormatException(file + ": architecture.members is " + m + ", expected an integer from 1 to "
                    + Ensemble.MAX_MEMBERS + "; restore the description from the saved model");
        }
        return m.asInt();
    }

    private static String text(JsonNode node, String field, String file) {
        JsonNode v = node.path(field);
        if (!v.isTextual()) {
            throw new ModelFormatException(file + " is missing the text field '" + field + "' in " + node
                    + "; restore the description from the saved model");
        }
        return v.asText();
    }

    private static int integer(JsonNode node, String field, String file) {
        JsonNode v = node.path(field);
        if (!v.isInt()) {
            throw new ModelFormatException(file + " is missing the integer field '" + field + "' (found " + v
                    + "); restore the description from the saved model");
        }
        return v.asInt();
    }

    private static float[] readWeights(FileSystem fs, Path file, ParameterLayout layout, int members)
            throws IOException {
        long length;
        try {
            length = fs.getFileStatus(file).getLen();
        } catch (FileNotFoundException e) {
            throw new ModelFormatException(file + " is missing; the model directory is incomplete", e);
        }
        String name = file.toString();
        try (FSDataInputStream raw = fs.open(file); DataInputStream in = new DataInputStream(raw)) {
            SafeTensors.Header header = SafeTensors.readHeader(in, length, name);
            Map<String, Integer> offsets = new HashMap<>();
            long total = 0;
            for (int m = 0; m < members; m++) {
                for (ParameterLayout.Block b : layout.blocks()) {
                    String tensor = Ensemble.tensorName(members, m, b.name());
                    SafeTensors.Entry e = header.entries().get(tensor);
                    if (e == null) {
                        throw new ModelFormatException(name + " is missing tensor '" + tensor + "' that the "
                                + layout.spec().variant().id() + " architecture of " + members + " member(s) in "
                                + DESCRIPTION + " needs; the weights do not belong to this description");
                    }
                    if (!java.util.Arrays.equals(toLong(b.shape()), e.shape())) {
                        throw new ModelFormatException(name + ": tensor '" + tensor + "' has shape "
                                + java.util.Arrays.toString(e.shape()) + " but " + DESCRIPTION + " implies "
                                + java.util.Arrays.toString(b.shape())
                                + "; the weights do not belong to this description");
                    }
                    offsets.put(tensor, m * layout.size() + b.offset());
                    total = Math.max(total, e.end());
                }
            }
            for (String n : header.entries().keySet()) {
                if (!offsets.containsKey(n)) {
                    throw new ModelFormatException(name + " has an unexpected tensor '" + n
                            + "'; the weights do not belong to this description");
                }
            }
            float[] params = new float[members * layout.size()];
            SafeTensors.readData(in, total, offsets, header, params, name);
            return params;
        } catch (java.io.EOFException e) {
            throw new ModelFormatException(name + " is truncated; restore it from the saved model", e);
        }
    }

    private static long[] toLong(int[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }

    private static List<SafeTensors.Tensor> tensors(GruModel model) {
        List<SafeTensors.Tensor> list = new ArrayList<>();
        ParameterLayout layout = new ParameterLayout(model.spec());
        int members = model.members();
        for (int m = 0; m < members; m++) {
            for (ParameterLayout.Block b : layout.blocks()) {
                list.add(new SafeTensors.Tensor(Ensemble.tensorName(members, m, b.name()), b.shape(), model.params(),
                        m * layout.size() + b.offset()));
            }
        }
        return list;
    }
}
