package org.sparkgru.config;

import org.sparkgru.Choice;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.sparkgru.kernel.Loss;
import org.sparkgru.model.Variant;

/**
 * The training job's configuration: one typed, validated object built from HOCON (Typesafe Config).
 *
 * <p>Layers, highest priority first: {@code --set key=value} overrides, the {@code --config} file, and the built-in
 * defaults, which are {@code conf/train.conf} itself (packaged into the jar). Validation happens here, before any
 * Spark work: an unknown key, a wrong type or an out-of-range value is a {@link ConfigError} whose message names the
 * key, the value and what is allowed. Every choice is parsed here into its enum ({@link Choice}), so no code past
 * this class compares mode strings. {@link #render()} gives the effective configuration for logs and the model.
 */
public final class TrainConfig {
    /** Classpath resource holding the defaults (a copy of conf/train.conf made by the build). */
    public static final String DEFAULTS = "org/sparkgru/config/train.conf";

    /**
     * Columns and data-quality policies. {@code features} are past covariates, {@code futureFeatures} known-future
     * ones; {@link #covariates()} is both, in that order, as the series store them. {@code staticFeatures} are
     * per-series columns, constant within each series.
     */
    public record Data(String id, String time, ZoneId timeZone, String target, List<String> features,
                       List<String> futureFeatures, List<String> staticFeatures, List<CalendarFeature> calendar, TargetTransform transform,
                       Scaling scaling, MissingPolicy missing, DuplicatePolicy duplicates, GapPolicy gaps,
                       int partitions, int chunkPoints) {
        /** Every covariate column: {@code features}, then {@code futureFeatures}. */
        public List<String> covariates() {
            List<String> all = new java.util.ArrayList<>(features);
            all.addAll(futureFeatures);
            return List.copyOf(all);
        }
    }

    /** {@code model.lookback} and {@code model.season} when given as {@code auto}, until {@link #resolved}. */
    public static final int AUTO = 0;

    /**
     * Architecture, loss and the forecast's formulation. {@code lookback} and {@code season} are {@link #AUTO} and
     * {@code baseline} {@link Baseline#AUTO} until the training resolves them from the data ({@link #resolved}); a
     * trained model's configuration holds the resolved values.
     */
    public record Model(int lookback, int horizon, int season, Baseline baseline, int hidden, int layers,
                        Variant variant, Loss loss, int ensemble, boolean nonNegative, List<Double> quantiles,
                        int embeddingDim) {
        /** Whether nothing is left to choose from the data. */
        public boolean isResolved() {
            return lookback != AUTO && season != AUTO && baseline != Baseline.AUTO;
        }
    }

    /** Optimization (serializable: the local-steps tasks build their inner optimizer from it). */
    public record Train(int iterations, int batchSize, OptimizerKind optimizer, double learningRate,
                        double weightDecay, double momentum, boolean nesterov, Schedule schedule, int stepEvery,
                        double stepFactor,
                        int warmup, double clipNorm, long seed, int validationEvery, int patience,
                        int checkpointEvery, int treeDepth, int maxBadSteps, int lbfgsMemory, int localSteps,
                        double outerLearningRate, double outerMomentum, InnerState innerState, int logEvery)
            implements java.io.Serializable {
    }

    /** What the forecast job does with the model's output; may change after training ({@code --set forecast.*}). */
    public record Forecast(Fallback fallback) {
    }

    private final Config config;
    private final Data data;
    private final Model model;
    private final Train train;
    private final Forecast forecast;

    private TrainConfig(Config config) {
        this.config = config;
        this.data = new Data(text("data.id"), text("data.time"), zone("data.timeZone"), text("data.target"),
                list("data.features"), list("data.futureFeatures"), list("data.staticFeatures"),
                calendar(), choice("data.transform", TargetTransform.values()), choice("data.scaling", Scaling.values()),
                choice("data.missing", MissingPolicy.values()),
                choice("data.duplicates", DuplicatePolicy.values()),
                choice("data.gaps", GapPolicy.values()),
                integer("data.partitions", 0, 100_000), integer("data.chunkPoints", 0, 1_000_000_000));
        int lookback = integerOrAuto("model.lookback", 1, 100_000);
        int horizon = integer("model.horizon", 1, 100_000);
        int season = integerOrAuto("model.season", 1, 100_000);
        Baseline baseline = choice("model.baseline", Baseline.values());
        Variant variant = choice("model.variant", Variant.values());
        Loss.Kind lossKind = choice("model.loss", new Loss.Kind[] {Loss.Kind.MSE, Loss.Kind.MAE, Loss.Kind.HUBER,
                Loss.Kind.MASE});
        double delta = number("model.huberDelta", Double.MIN_VALUE, 1e30);
        List<Double> quantiles = quantiles(lossKind);
        float[] levels = new float[quantiles.size()];
        for (int q = 0; q < levels.length; q++) {
            levels[q] = quantiles.get(q).floatValue();
        }
        this.model = new Model(lookback, horizon, season, baseline, integer("model.hidden", 1, 4096),
                integer("model.layers", 1, 16), variant, new Loss(lossKind, delta, levels),
                integer("model.ensemble", 1, org.sparkgru.model.Ensemble.MAX_MEMBERS), bool("model.nonNegative"),
                quantiles, integer("model.embeddingDim", 1, 256));
        if (baseline.seasonal() && lookback != AUTO && season != AUTO && season > lookback) {
            throw new ConfigError("model.baseline = " + baseline.id() + " needs model.lookback >= model.season; got lookback "
                    + lookback + " and season " + season + "; raise model.lookback or choose another baseline");
        }
        this.train = new Train(integer("train.iterations", 1, 100_000_000), integer("train.batchSize", 1, 1 << 20),
                choice("train.optimizer", OptimizerKind.values()), number("train.learningRate", Double.MIN_VALUE, 10),
                number("train.weightDecay", 0, 1), number("train.momentum", 0, 0.999), bool("train.nesterov"),
                choice("train.schedule", Schedule.values()), integer("train.stepEvery", 1, 100_000_000),
                number("train.stepFactor", Double.MIN_VALUE, 1),
                integer("train.warmup", 0, 100_000_000), number("train.clipNorm", 0, 1e30),
                longValue("train.seed"), integer("train.validationEvery", 1, 100_000_000),
                integer("train.patience", 0, 100_000), integer("train.checkpointEvery", 0, 100_000_000),
                integer("train.treeDepth", 1, 10), integer("train.maxBadSteps", 1, 1000),
                integer("train.lbfgsMemory", 1, 100), integerOrAuto("train.localSteps", 1, 100_000),
                number("train.outerLearningRate", Double.MIN_VALUE, 10), number("train.outerMomentum", 0, 0.999),
                choice("train.innerState", InnerState.values()), integerOrAuto("train.logEvery", 1, 100_000_000));
        this.forecast = new Forecast(choice("forecast.fallback", Fallback.values()));
        if (train.localSteps() > 1 && train.optimizer() == OptimizerKind.LBFGS) {
            throw new ConfigError("train.localSteps = " + train.localSteps() + " needs a minibatch optimizer for the"
                    + " inner steps; train.optimizer = lbfgs takes full-batch steps: use adam, adamw or sgd, or"
                    + " train.localSteps = 1");
        }
        if (model.ensemble() > 1 && train.optimizer() == OptimizerKind.LBFGS) {
            throw new ConfigError("model.ensemble = " + model.ensemble() + " needs a minibatch optimizer; train.optimizer"
                    + " = lbfgs minimizes one objective, not several networks at once: use adam, adamw or sgd, or"
                    + " model.ensemble = 1");
        }
        for (String col : data.covariates()) {
            String key = data.features().contains(col) ? "data.features" : "data.futureFeatures";
            if (col.equals(data.id()) || col.equals(data.time()) || col.equals(data.target())) {
                throw new ConfigError(key + " lists '" + col + "', which is already the id, time or target"
                        + " column; list covariates only");
            }
        }
        for (String col : data.futureFeatures()) {
            if (data.features().contains(col)) {
                throw new ConfigError("data.futureFeatures lists '" + col + "', which data.features lists too; a"
                        + " known-future covariate is already an input at every lookback step, so remove it from"
                        + " data.features");
            }
        }
        if (new java.util.HashSet<>(data.covariates()).size() < data.covariates().size()) {
            throw new ConfigError("data.features and data.futureFeatures list a column twice (" + data.covariates()
                    + "); list each covariate once");
        }
        for (String col : data.staticFeatures()) {
            if (col.equals(data.id()) || col.equals(data.time()) || col.equals(data.target())) {
                throw new ConfigError("data.staticFeatures lists '" + col + "', which is already the id, time or"
                        + " target column; list per-series attributes only");
            }
            if (data.covariates().contains(col)) {
                throw new ConfigError("data.staticFeatures lists '" + col + "', which "
                        + (data.features().contains(col) ? "data.features" : "data.futureFeatures") + " lists too;"
                        + " a column is either a per-step covariate or a per-series static one: remove it from one");
            }
        }
        if (new java.util.HashSet<>(data.staticFeatures()).size() < data.staticFeatures().size()) {
            throw new ConfigError("data.staticFeatures lists a column twice (" + data.staticFeatures()
                    + "); list each once");
        }
    }

    /**
     * Builds the configuration.
     *
     * @param file      a HOCON file, or null
     * @param overrides {@code key=value} strings (values in HOCON syntax: numbers, quoted or bare strings, lists);
     *                  a later one wins over an earlier one for the same key
     */
    public static TrainConfig load(File file, List<String> overrides) {
        Config defaults = defaults();
        Config user = ConfigFactory.empty();
        if (file != null) {
            if (!file.isFile()) {
                throw new ConfigError("configuration file " + file + " does not exist or is not a file");
            }
            try {
                user = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF));
            } catch (ConfigException e) {
                throw new ConfigError("cannot parse configuration file " + file + ": " + e.getMessage());
            }
        }
        return build(user, overrides, defaults);
    }

    /**
     * The configuration stored in a model ({@code metadata.configuration}, JSON), with {@code overrides} applied
     * on top and the built-in defaults below (for keys newer than the model).
     */
    public static TrainConfig fromModel(String json, List<String> overrides) {
        Config defaults = defaults();
        Config user = ConfigFactory.parseString(json, ConfigParseOptions.defaults()
                .setOriginDescription("the model's stored configuration"));
        for (Map.Entry<String, Object> e : BEFORE_KEY.entrySet()) {
            if (!user.hasPath(e.getKey())) {
                user = user.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue(),
                        "what models written before " + e.getKey() + " existed did"));
            }
        }
        return build(user, overrides, defaults);
    }

    /**
     * Keys newer than some stored models, with the value that reproduces what those models did (the default would
     * change their meaning).
     */
    private static final Map<String, Object> BEFORE_KEY = Map.of("model.baseline", "none", "model.season", 1);

    private static Config defaults() {
        return ConfigFactory.parseResources(TrainConfig.class.getClassLoader(), DEFAULTS,
                ConfigParseOptions.defaults().setAllowMissing(false));
    }

    /** {@code overrides} over {@code user} over {@code defaults}, checked and validated. */
    private static TrainConfig build(Config user, List<String> overrides, Config defaults) {
        for (String override : overrides) {
            user = parseOverride(override).withFallback(user);
        }
        checkKnown(user, defaults);
        try {
            return new TrainConfig(user.withFallback(defaults).resolve());
        } catch (ConfigException e) {
            throw new ConfigError("invalid configuration: " + e.getMessage());
        }
    }

    private static Config parseOverride(String kv) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
            throw new ConfigError("--set expects key=value, got '" + kv + "'");
        }
        String key = kv.substring(0, eq).trim();
        try {
            return ConfigFactory.parseString(key + " = " + kv.substring(eq + 1),
                    ConfigParseOptions.defaults().setOriginDescription("--set " + key));
        } catch (ConfigException e) {
            throw new ConfigError("--set " + kv + ": not a valid value (" + e.getMessage() + ")");
        }
    }

    private static void checkKnown(Config user, Config defaults) {
        for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
            if (!defaults.hasPath(e.getKey())) {
                TreeSet<String> known = new TreeSet<>();
                defaults.entrySet().forEach(d -> known.add(d.getKey()));
                throw new ConfigError("unknown configuration key '" + e.getKey() + "' (" + e.getValue().origin()
                        .description() + "); known keys: " + String.join(", ", known));
            }
        }
    }

    public Data data() {
        return data;
    }

    public Model model() {
        return model;
    }

    public Train train() {
        return train;
    }

    public Forecast forecast() {
        return forecast;
    }

    /**
     * This configuration with the choices left to the data made: {@code model.lookback}, {@code model.season} and
     * {@code model.baseline} set to the given values (the stored configuration of a trained model holds them).
     */
    public TrainConfig resolved(int lookback, int season, Baseline baseline) {
        if (lookback < 1 || season < 1 || baseline == Baseline.AUTO) {
            throw new IllegalArgumentException("not resolved: lookback " + lookback + ", season " + season + ", "
                    + baseline);
        }
        String origin = "chosen from the data";
        return new TrainConfig(config
                .withValue("model.lookback", ConfigValueFactory.fromAnyRef(lookback, origin))
                .withValue("model.season", ConfigValueFactory.fromAnyRef(season, origin))
                .withValue("model.baseline", ConfigValueFactory.fromAnyRef(baseline.id(), origin)));
    }

    /**
     * This configuration with {@code train.localSteps} set to {@code h}: what {@code train.localSteps = auto} chose,
     * stored with the checkpoints so that a resume takes the same number.
     */
    public TrainConfig withLocalSteps(int h) {
        if (h < 1) {
            throw new IllegalArgumentException("local steps " + h);
        }
        return new TrainConfig(config.withValue("train.localSteps", ConfigValueFactory.fromAnyRef(h,
                "chosen by train.localSteps = auto")));
    }

    /** The effective configuration as HOCON (all keys, defaults included), for logs and the model. */
    public String render() {
        return config.root().render(ConfigRenderOptions.concise().setFormatted(true).setJson(false));
    }

    /**
     * The configuration in one line for the log at INFO (every key is at DEBUG): {@code data: series/timestamp ->
     * value, features [], scaling revin | model: lookback auto, horizon 24, hidden 64, layers 1, reset-before, loss mase,
     * baseline auto | train: adam lr 0.003, 300 iterations of 256 windows, seed 42}.
     */
    public String digest() {
        return String.format("data: %s/%s -> %s, features %s%s, scaling %s | model: lookback %s, horizon %d, hidden %d, layers %d, %s,"
                        + " loss %s%s, baseline %s%s | train: %s lr %s, %d iterations of %d windows%s, seed %d",
                data.id(), data.time(), data.target(), data.features(),
                (data.futureFeatures().isEmpty() ? "" : ", future features " + data.futureFeatures())
                        + (data.staticFeatures().isEmpty() ? "" : ", static features " + data.staticFeatures()),
                data.scaling().id(),
                model.lookback() == AUTO ? "auto" : model.lookback(), model.horizon(), model.hidden(), model.layers(),
                model.variant().id(), model.loss().kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                model.quantiles().isEmpty() ? "" : ", quantiles " + model.quantiles(), model.baseline().id(), model.ensemble() > 1 ? ", ensemble " + model.ensemble() : "",
                train.optimizer().id(), train.learningRate(), train.iterations(), train.batchSize(),
                train.localSteps() == AUTO ? ", local steps auto" : train.localSteps() > 1 ? ", " + train.localSteps()
                        + " local steps" : "", train.seed());
    }

    /** The effective configuration as JSON. */
    public String renderJson() {
        return config.root().render(ConfigRenderOptions.concise());
    }

    /**
     * The value of {@code key} as the user wrote it, quoted, and where it came from: {@code 'sixty-four' (--set
     * model.hidden)}, {@code '2.5' (my.conf: 12)}.
     */
    private String describe(String key) {
        ConfigValue v = config.getValue(key);
        String shown = v.valueType() == ConfigValueType.STRING ? (String) v.unwrapped()
                : v.render(ConfigRenderOptions.concise());
        String origin = v.origin().description();
        if (origin.startsWith("--set ")) {
            origin = origin.replaceFirst(": \\d+$", "");
        }
        return "'" + shown + "' (" + origin + ")";
    }

    private String text(String key) {
        try {
            String v = config.getString(key);
            if (v.isBlank()) {
                throw new ConfigError(key + " is empty; give a column name");
            }
            return v;
        } catch (ConfigException.WrongType e) {
            throw new ConfigError(key + " must be a string, got " + describe(key));
        }
    }

    private List<String> list(String key) {
        try {
            return List.copyOf(config.getStringList(key));
        } catch (ConfigException.WrongType e) {
            throw new ConfigError(key + " must be a list of strings, e.g. [\"a\", \"b\"], got " + describe(key));
        }
    }

    /** Most quantiles a model may have. */
    public static final int MAX_QUANTILES = 99;

    /**
     * {@code model.quantiles}: empty, or levels strictly increasing in (0, 1) that include the median (the point
     * forecast), trained with the pinball loss, which {@code model.loss = mae} (plain) or {@code mase} (scaled per
     * series) become.
     */
    private List<Double> quantiles(Loss.Kind loss) {
        String key = "model.quantiles";
        List<Double> q;
        try {
            q = List.copyOf(config.getDoubleList(key));
        } catch (ConfigException.WrongType e) {
            throw new ConfigError(key + " must be a list of numbers, e.g. [0.1, 0.5, 0.9], got " + describe(key));
        }
        if (q.isEmpty()) {
            return q;
        }
        String shown = key + " = " + describe(key);
        if (q.size() > MAX_QUANTILES) {
            throw new ConfigError(shown + " lists " + q.size() + " quantiles; at most " + MAX_QUANTILES);
        }
        for (int i = 0; i < q.size(); i++) {
            if (!(q.get(i) > 0 && q.get(i) < 1)) {
                throw new ConfigError(shown + " lists " + q.get(i) + "; every quantile must be strictly between 0"
                        + " and 1, e.g. [0.1, 0.5, 0.9]");
            }
            if (i > 0 && !(q.get(i) > q.get(i - 1))) {
                throw new ConfigError(shown + " is not strictly increasing (" + q.get(i - 1) + " then " + q.get(i)
                        + "); list each quantile once, smallest first, e.g. [0.1, 0.5, 0.9]");
            }
            if (i > 0 && q.get(i).floatValue() == q.get(i - 1).floatValue()) {
                throw new ConfigError(shown + " lists " + q.get(i - 1) + " and " + q.get(i)
                        + ", which are the same in single precision; list quantiles further apart");
            }
        }
        if (!q.contains(0.5)) {
            throw new ConfigError(shown + " does not include 0.5, the median that is the point forecast; add it,"
                    + " e.g. [0.1, 0.5, 0.9]");
        }
        if (loss != Loss.Kind.MAE && loss != Loss.Kind.MASE) {
            throw new ConfigError(shown + " trains with the pinball loss, which model.loss = " + loss.id()
                    + " is not; set model.loss = mae (the pinball loss) or mase (the pinball loss scaled per series)");
        }
        return q;
    }

    private ZoneId zone(String key) {
        String v = text(key);
        try {
            return ZoneId.of(v);
        } catch (DateTimeException e) {
            throw new ConfigError(key + " = " + describe(key) + " is not a time zone; use a region such as"
                    + " Europe/Berlin, an offset such as +01:00, or UTC");
        }
    }

    private List<CalendarFeature> calendar() {
        List<String> c = list("data.calendar");
        List<CalendarFeature> features = new java.util.ArrayList<>();
        for (String k : c) {
            CalendarFeature f = Choice.find(CalendarFeature.values(), k);
            if (f == null) {
                throw new ConfigError("data.calendar lists '" + k + "'; allowed are "
                        + Choice.ids(CalendarFeature.values(), ", "));
            }
            features.add(f);
        }
        if (c.size() != c.stream().distinct().count()) {
            throw new ConfigError("data.calendar = " + c + " lists a feature twice");
        }
        return List.copyOf(features);
    }

    private <E extends Choice> E choice(String key, E[] allowed) {
        String v = text(key);
        E e = Choice.find(allowed, v);
        if (e == null) {
            throw new ConfigError(key + " = " + describe(key) + " is not allowed; choose one of "
                    + Choice.ids(allowed, ", "));
        }
        return e;
    }

    private int integer(String key, int min, int max) {
        long v = longValue(key);
        if (v < min || v > max) {
            throw new ConfigError(key + " = " + v + " is out of range; allowed " + min + " to " + max);
        }
        return (int) v;
    }

    /** A whole number in range, or {@code auto} ({@link #AUTO}). */
    private int integerOrAuto(String key, int min, int max) {
        if (config.getValue(key).valueType() == ConfigValueType.STRING) {
            if ("auto".equals(config.getString(key))) {
                return AUTO;
            }
            throw new ConfigError(key + " must be auto or a whole number from " + min + " to " + max + ", got "
                    + describe(key));
        }
        return integer(key, min, max);
    }

    private boolean bool(String key) {
        try {
            return config.getBoolean(key);
        } catch (ConfigException.WrongType e) {
            throw new ConfigError(key + " must be true or false, got " + describe(key));
        }
    }

    private long longValue(String key) {
        try {
            ConfigValue v = config.getValue(key);
            if (v.unwrapped() instanceof Double d && d != Math.rint(d)) {
                throw new ConfigError(key + " must be a whole number, got " + describe(key));
            }
            return config.getLong(key);
        } catch (ConfigException.WrongType e) {
            throw new ConfigError(key + " must be a whole number, got " + describe(key));
        }
    }

    private double number(String key, double min, double max) {
        double v;
        try {
            v = config.getDouble(key);
        } catch (ConfigException.WrongType e) {
            throw new ConfigError(key + " must be a number, got " + describe(key));
        }
        if (!(v >= min && v <= max)) {
            throw new ConfigError(key + " = " + v + " is out of range; allowed " + (min == Double.MIN_VALUE ? "> 0"
                    : ">= " + min) + " and <= " + max);
        }
        return v;
    }
}
