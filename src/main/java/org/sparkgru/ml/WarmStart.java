package org.sparkgru.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.sparkgru.UserError;
import org.sparkgru.config.Baseline;
import org.sparkgru.config.CalendarFeature;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.data.Scaler;
import org.sparkgru.data.StaticCovariates;
import org.sparkgru.io.ModelDirectory;
import org.sparkgru.model.GruModel;
import org.sparkgru.model.ModelStore;
import org.sparkgru.model.NetworkSpec;

/**
 * A warm start ({@code train.sh --init-from DIR}, {@link GruForecaster#setInitFrom}): a previous complete model whose
 * weights replace the fresh initialization, for the weekly or monthly retraining of a pipeline.
 *
 * <p>Call order: {@link #load} before Spark starts (the directory must hold a complete model), {@link #inherit} on
 * the run's configuration before the data's automatic choices (the parent's lookback, season and baseline fill the
 * keys left {@code auto}, and the keys that define the network and the meaning of its inputs and outputs,
 * {@link #ARCHITECTURE}, must be equal), {@link #weights} for the loop's start, and {@link #describe} for the new
 * model's metadata. The lookback may differ: a GRU's weights do not depend on the window length.
 */
public final class WarmStart {
    /** The keys a warm start cannot change, in the order a mismatch lists them. */
    static final List<String> ARCHITECTURE = List.of("model.hidden", "model.layers", "model.variant",
            "model.horizon", "model.ensemble", "model.season", "model.baseline", "model.quantiles", "data.features",
            "data.futureFeatures", "data.staticFeatures", "model.embeddingDim", "data.calendar", "data.transform",
            "data.scaling");

    private final String path;
    private final GruModel parent;
    private final TrainConfig parentConfig;
    private final boolean keepScalers;
    private final String weightsSha256;

    private WarmStart(String path, GruModel parent, TrainConfig parentConfig, boolean keepScalers,
                      String weightsSha256) {
        this.path = path;
        this.parent = parent;
        this.parentConfig = parentConfig;
        this.keepScalers = keepScalers;
        this.weightsSha256 = weightsSha256;
    }

    /**
     * The complete model in {@code dir}; {@code keepScalers} uses its scalers for the series it was trained on
     * instead of refitting them on the new data.
     */
    public static WarmStart load(String dir, boolean keepScalers, Configuration conf) throws IOException {
        ModelDirectory d = ModelDirectory.of(dir, conf);
        if (!d.fs().exists(d.root())) {
            throw new UserError("--init-from " + dir + " does not exist; pass the directory of a finished training");
        }
        if (!d.isComplete()) {
            throw new UserError("--init-from " + dir + " is not a complete model (no _SUCCESS: a training still"
                    + " running, failed or interrupted); pass the directory of a finished training, or finish it"
                    + " with --resume first");
        }
        GruModel m = ModelStore.load(dir, conf);
        TrainConfig c = ModelInput.config(m, dir, List.of());
        return new WarmStart(d.root().toString(), m, c, keepScalers, sha256(d, d.weights()));
    }

    /** The parent model's directory. */
    public String path() {
        return path;
    }

    /**
     * {@code cfg} with the keys it leaves {@code auto} ({@code model.lookback}, {@code model.season},
     * {@code model.baseline}) set to the parent's values; a user error naming every {@link #ARCHITECTURE} key that
     * differs, with both values.
     */
    public TrainConfig inherit(TrainConfig cfg) {
        TrainConfig.Model m = cfg.model();
        TrainConfig.Model p = parentConfig.model();
        TrainConfig inherited = cfg.resolved(m.lookback() == TrainConfig.AUTO ? p.lookback() : m.lookback(),
                m.season() == TrainConfig.AUTO ? p.season() : m.season(),
                m.baseline() == Baseline.AUTO ? p.baseline() : m.baseline());
        Map<String, Object> mine = architecture(inherited);
        Map<String, Object> theirs = architecture(parentConfig);
        List<String> differences = new ArrayList<>();
        for (String key : ARCHITECTURE) {
            if (!Objects.equals(mine.get(key), theirs.get(key))) {
                differences.add(key + " = " + mine.get(key) + " here, " + theirs.get(key) + " in the parent");
            }
        }
        if (!differences.isEmpty()) {
            throw new UserError("--init-from " + path + ": the architecture differs (" + String.join("; ",
                    differences) + "); set these keys to the parent's values, or train from scratch without"
                    + " --init-from");
        }
        return inherited;
    }

    /** A copy of the parent's weights, the start of training of a network {@code spec}. */
    public float[] weights(NetworkSpec spec) {
        if (!spec.equals(parent.spec())) {
            throw new UserError("--init-from " + path + ": the parent's network is " + parent.spec() + ", this run's "
                    + spec + "; train from scratch without --init-from");
        }
        return parent.params().clone();
    }

    /** Whether the parent's scalers are kept ({@code --keep-scalers}) instead of refitted. */
    public boolean keepScalers() {
        return keepScalers;
    }

    /** The parent's per-series scalers by series id, as forecasting reads them (empty without per-series ones). */
    public Map<String, Scaler> seriesScalers(SparkSession spark) {
        return ModelInput.trainedScalers(spark, path, parentConfig.data().scaling());
    }

    /** The parent's global scaler ({@code data.scaling = global}). */
    public Scaler globalScaler() {
        return ModelInput.globalScaler(parent);
    }

    /**
     * The parent's static covariates: its vocabularies (the rows of its embeddings) and numeric scalers, which the
     * child keeps so that every embedding row keeps its meaning.
     */
    public StaticCovariates statics() {
        return ModelInput.statics(parent);
    }

    /** The new model's {@code parent} metadata: path, the parent's training summary, weights checksum, scalers. */
    public ObjectNode describe() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("path", path);
        n.put("weightsSha256", weightsSha256);
        n.put("keepScalers", keepScalers);
        JsonNode training = parent.metadata() == null ? null : parent.metadata().get("training");
        n.set("training", training == null ? JsonNodeFactory.instance.objectNode() : training.deepCopy());
        return n;
    }

    /** The architecture keys of {@code c}, as the configuration writes them. */
    private static Map<String, Object> architecture(TrainConfig c) {
        TrainConfig.Model m = c.model();
        TrainConfig.Data d = c.data();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("model.hidden", m.hidden());
        a.put("model.layers", m.layers());
        a.put("model.variant", m.variant().id());
        a.put("model.horizon", m.horizon());
        a.put("model.ensemble", m.ensemble());
        a.put("model.season", m.season());
        a.put("model.baseline", m.baseline().id());
        a.put("model.quantiles", m.quantiles());
        a.put("data.features", d.features());
        a.put("data.futureFeatures", d.futureFeatures());
        a.put("data.staticFeatures", d.staticFeatures());
        a.put("model.embeddingDim", m.embeddingDim());
        a.put("data.calendar", d.calendar().stream().map(CalendarFeature::id).toList());
        a.put("data.transform", d.transform().id());
        a.put("data.scaling", d.scaling().id());
        return a;
    }

    /** The SHA-256 of a file, in hex: the checksum {@code sha256sum} prints. */
    private static String sha256(ModelDirectory d, Path file) throws IOException {
        try (InputStream in = d.fs().open(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
