package org.sparkgru.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.sparkgru.config.TrainConfig;

/**
 * The spark.ml Estimator of spark-gru: {@code fit} trains a GRU forecaster on a long-format Dataset (one row per
 * series and time) exactly as {@code jobs/train.sh} does, and returns a {@link GruForecastModel}.
 *
 * <p>Typed params cover the common keys of {@code conf/train.conf}; {@link #config()} takes any other key as
 * {@code key=value} strings. The model directory (checkpoints, metrics, the model files) is
 * {@link #modelDir()} (default: a new temporary directory); the same directory loads in {@code jobs/forecast.sh}.
 * The params save and load with spark.ml's persistence ({@link #write()}, {@link #load}), alone or in a
 * {@code Pipeline}.
 */
public final class GruForecaster extends Estimator<GruForecastModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private final String uid;

    private final Param<String> idCol;
    private final Param<String> timeCol;
    private final Param<String> targetCol;
    private final StringArrayParam featureCols;
    private final StringArrayParam futureFeatureCols;
    private final StringArrayParam staticFeatureCols;
    private final IntParam lookback;
    private final IntParam horizon;
    private final IntParam hidden;
    private final IntParam layers;
    private final Param<String> variant;
    private final IntParam maxIter;
    private final IntParam batchSize;
    private final DoubleParam stepSize;
    private final LongParam seed;
    private final StringArrayParam config;
    private final Param<String> modelDir;
    private final IntParam holdout;
    private final Param<String> initFrom;
    private final BooleanParam keepScalers;
    private final DoubleArrayParam quantiles;
    private final BooleanParam nonNegative;

    /** The doc of {@code holdout}, here and on the model. */
    static final String HOLDOUT_DOC = "points at each series' end that transform forecasts from the history before"
            + " them, with their actual values (for GruForecastEvaluator); 0 (default): forecast the future";

    public GruForecaster() {
        this(Identifiable$.MODULE$.randomUID("gruForecaster"));
    }

    public GruForecaster(String uid) {
        this.uid = uid;
        idCol = new Param<>(this, "idCol", "series id column (data.id)");
        timeCol = new Param<>(this, "timeCol", "time column (data.time)");
        targetCol = new Param<>(this, "targetCol", "target column (data.target)");
        featureCols = new StringArrayParam(this, "featureCols",
            "numeric covariate columns (data.features)");
        futureFeatureCols = new StringArrayParam(this, "futureFeatureCols", "known-future numeric covariate columns"
            + " (data.futureFeatures); transform reads their values at the forecast steps from the rows after each"
            + " series' last target");
        staticFeatureCols = new StringArrayParam(this, "staticFeatureCols", "per-series columns, constant within"
            + " each series (data.staticFeatures): floating-point ones numeric, string, boolean and integer ones"
            + " categories with a learned embedding (model.embeddingDim values, set with setConfig)");
        lookback = new IntParam(this, "lookback", "input window length (model.lookback); 0 = auto, from the horizon"
            + " and the season", org.apache.spark.ml.param.ParamValidators.gtEq(0));
        horizon = new IntParam(this, "horizon", "forecast steps (model.horizon)");
        hidden = new IntParam(this, "hidden", "GRU units per layer (model.hidden)");
        layers = new IntParam(this, "layers", "stacked GRU layers (model.layers)");
        variant = new Param<>(this, "variant", "reset-before or reset-after (model.variant)");
        maxIter = new IntParam(this, "maxIter", "optimizer iterations (train.iterations)");
        batchSize = new IntParam(this, "batchSize", "windows per iteration (train.batchSize)");
        stepSize = new DoubleParam(this, "stepSize", "learning rate (train.learningRate)");
        seed = new LongParam(this, "seed", "random seed (train.seed)");
        config = new StringArrayParam(this, "config",
            "other configuration keys as key=value, as with --set");
        modelDir = new Param<>(this, "modelDir",
            "directory for checkpoints, metrics and the model files (default: a new temporary directory)");
        holdout = new IntParam(this, "holdout", HOLDOUT_DOC, org.apache.spark.ml.param.ParamValidators.gtEq(0));
        initFrom = new Param<>(this, "initFrom", "a previous model directory to start from (train.sh --init-from);"
            + " unset (default): a fresh initialization");
        keepScalers = new BooleanParam(this, "keepScalers", "with initFrom: keep the parent's scalers for the series"
            + " it was trained on (train.sh --keep-scalers); false (default): refit them on the new data");
        TrainConfig d = TrainConfig.load(null, List.of());
        setDefault(idCol, d.data().id());
        setDefault(timeCol, d.data().time());
        setDefault(targetCol, d.data().target());
        setDefault(featureCols, new String[0]);
        setDefault(futureFeatureCols, new String[0]);
        setDefault(staticFeatureCols, new String[0]);
        setDefault(lookback, d.model().lookback());
        setDefault(horizon, d.model().horizon());
        setDefault(hidden, d.model().hidden());
        setDefault(layers, d.model().layers());
        setDefault(variant, d.model().variant().id());
        setDefault(maxIter, d.train().iterations());
        setDefault(batchSize, d.train().batchSize());
        setDefault(stepSize, d.train().learningRate());
        setDefault(seed, d.train().seed());
        setDefault(config, new String[0]);
        setDefault(holdout, 0);
        quantiles = new DoubleArrayParam(this, "quantiles", "forecast quantiles (model.quantiles): strictly increasing"
                + " in (0, 1) and holding 0.5; empty for point forecasts; transform adds a column per level (q10, q50,"
                + " q90)", GruForecaster::validQuantiles);
        nonNegative = new BooleanParam(this, "nonNegative", "clamp forecasts at 0 (model.nonNegative)");
        setDefault(keepScalers, false);
        setDefault(quantiles, new double[0]);
        setDefault(nonNegative, d.model().nonNegative());
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> idCol() {
        return idCol;
    }

    public Param<String> timeCol() {
        return timeCol;
    }

    public Param<String> targetCol() {
        return targetCol;
    }

    public StringArrayParam futureFeatureCols() {
        return futureFeatureCols;
    }

    public StringArrayParam staticFeatureCols() {
        return staticFeatureCols;
    }

    public StringArrayParam featureCols() {
        return featureCols;
    }

    public IntParam lookback() {
        return lookback;
    }

    public IntParam horizon() {
        return horizon;
    }

    public IntParam hidden() {
        return hidden;
    }

    public IntParam layers() {
        return layers;
    }

    public Param<String> variant() {
        return variant;
    }

    public IntParam maxIter() {
        return maxIter;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public DoubleParam stepSize() {
        return stepSize;
    }

    public LongParam seed() {
        return seed;
    }

    public StringArrayParam config() {
        return config;
    }

    public Param<String> modelDir() {
        return modelDir;
    }

    /** A previous model to warm-start from ({@link WarmStart}); the architecture must match. */
    public Param<String> initFrom() {
        return initFrom;
    }

    public BooleanParam keepScalers() {
        return keepScalers;
    }

    /** Forecast quantiles ({@code model.quantiles}); the fitted model's {@code transform} adds their columns. */
    public DoubleArrayParam quantiles() {
        return quantiles;
    }

    public GruForecaster setQuantiles(double[] v) {
        set(quantiles, v);
        return this;
    }

    /** Whether forecasts are clamped at 0 ({@code model.nonNegative}). */
    public BooleanParam nonNegative() {
        return nonNegative;
    }

    public GruForecaster setNonNegative(boolean v) {
        set(nonNegative, v);
        return this;
    }

    /** The param's validator: {@code model.quantiles}' rule on its own ({@link TrainConfig} names the problem). */
    private static boolean validQuantiles(double[] q) {
        for (int i = 0; i < q.length; i++) {
            if (!(q[i] > 0 && q[i] < 1) || (i > 0 && !(q[i] > q[i - 1]))) {
                return false;
            }
        }
        return q.length == 0 || java.util.Arrays.binarySearch(q, 0.5) >= 0;
    }

    /**
     * The last points of each series that the fitted model's {@code transform} holds out: it forecasts them from
     * the history before them and returns them beside their actual values, so that {@link GruForecastEvaluator}
     * can score a fit in {@code CrossValidator} or {@code TrainValidationSplit}. 0 (default) forecasts the future;
     * at most {@code horizon}. Copied to the model by {@link #fit}.
     */
    public IntParam holdout() {
        return holdout;
    }

    public GruForecaster setHoldout(int points) {
        set(holdout, points);
        return this;
    }

    public GruForecaster setIdCol(String v) {
        set(idCol, v);
        return this;
    }

    public GruForecaster setTimeCol(String v) {
        set(timeCol, v);
        return this;
    }

    public GruForecaster setTargetCol(String v) {
        set(targetCol, v);
        return this;
    }

    public GruForecaster setFeatureCols(String... v) {
        set(featureCols, v);
        return this;
    }

    public GruForecaster setFutureFeatureCols(String... v) {
        set(futureFeatureCols, v);
        return this;
    }

    public GruForecaster setStaticFeatureCols(String... v) {
        set(staticFeatureCols, v);
        return this;
    }

    public GruForecaster setLookback(int v) {
        set(lookback, v);
        return this;
    }

    public GruForecaster setHorizon(int v) {
        set(horizon, v);
        return this;
    }

    public GruForecaster setHidden(int v) {
        set(hidden, v);
        return this;
    }

    public GruForecaster setLayers(int v) {
        set(layers, v);
        return this;
    }

    public GruForecaster setVariant(String v) {
        set(variant, v);
        return this;
    }

    public GruForecaster setMaxIter(int v) {
        set(maxIter, v);
        return this;
    }

    public GruForecaster setBatchSize(int v) {
        set(batchSize, v);
        return this;
    }

    public GruForecaster setStepSize(double v) {
        set(stepSize, v);
        return this;
    }

    public GruForecaster setSeed(long v) {
        set(seed, v);
        return this;
    }

    public GruForecaster setConfig(String... keyValues) {
        set(config, keyValues);
        return this;
    }

    public GruForecaster setModelDir(String v) {
        set(modelDir, v);
        return this;
    }

    public GruForecaster setInitFrom(String v) {
        set(initFrom, v);
        return this;
    }

    public GruForecaster setKeepScalers(boolean v) {
        set(keepScalers, v);
        return this;
    }

    /** The training configuration these params describe (validated; errors name the key). */
    public TrainConfig trainConfig() {
        List<String> sets = new ArrayList<>();
        sets.add("data.id=" + quote(getOrDefault(idCol)));
        sets.add("data.time=" + quote(getOrDefault(timeCol)));
        sets.add("data.target=" + quote(getOrDefault(targetCol)));
        sets.add(columns("data.features", getOrDefault(featureCols)));
        sets.add(columns("data.futureFeatures", getOrDefault(futureFeatureCols)));
        sets.add(columns("data.staticFeatures", getOrDefault(staticFeatureCols)));
        int lb = (Integer) getOrDefault(lookback);
        sets.add("model.lookback=" + (lb == TrainConfig.AUTO ? "auto" : Integer.toString(lb)));
        sets.add("model.horizon=" + getOrDefault(horizon));
        sets.add("model.hidden=" + getOrDefault(hidden));
        sets.add("model.layers=" + getOrDefault(layers));
        sets.add("model.variant=" + quote(getOrDefault(variant)));
        sets.add("train.iterations=" + getOrDefault(maxIter));
        sets.add("train.batchSize=" + getOrDefault(batchSize));
        sets.add("train.learningRate=" + getOrDefault(stepSize));
        sets.add("train.seed=" + getOrDefault(seed));
        java.util.StringJoiner levels = new java.util.StringJoiner(", ", "model.quantiles=[", "]");
        for (double q : getOrDefault(quantiles)) {
            levels.add(Double.toString(q));
        }
        sets.add(levels.toString());
        sets.add("model.nonNegative=" + getOrDefault(nonNegative));
        sets.addAll(List.of(getOrDefault(config)));
        return TrainConfig.load(null, sets);
    }

    /** {@code key=["a", "b"]}. */
    private static String columns(String key, String[] names) {
        java.util.StringJoiner list = new java.util.StringJoiner(", ", key + "=[", "]");
        for (String c : names) {
            list.add(quote(c));
        }
        return list.toString();
    }

    private static String quote(Object s) {
        return "\"" + s.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public GruForecastModel fit(Dataset<?> dataset) {
        TrainConfig cfg = trainConfig();
        Forecasting.checkHoldout((Integer) getOrDefault(holdout), cfg.model().horizon());
        try {
            String dir = isDefined(modelDir) ? getOrDefault(modelDir)
                    : Files.createTempDirectory("spark-gru-model").toString();
            WarmStart warm = isDefined(initFrom) ? WarmStart.load(getOrDefault(initFrom),
                    (Boolean) getOrDefault(keepScalers), dataset.sparkSession().sparkContext().hadoopConfiguration())
                    : null;
            Training.train(dataset.sparkSession(), cfg, dataset.toDF(), dir, false, true, warm);
            GruForecastModel model = GruForecastModel.load(dir);
            model.setHoldout((Integer) getOrDefault(holdout));
            model.setParent(this);
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return GruForecastModel.forecastSchema(schema, trainConfig(), (Integer) getOrDefault(holdout) > 0, null);
    }

    @Override
    public GruForecaster copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** spark.ml persistence of the params (as {@code DefaultParamsWritable}), so that a Pipeline saves. */
    @Override
    public MLWriter write() {
        return new DefaultParamsWriter(this);
    }

    /** The reader of {@link #write()}'s output. */
    public static MLReader<GruForecaster> read() {
        return new DefaultParamsReader<>();
    }

    /** Loads params saved by {@link #write()}. */
    public static GruForecaster load(String path) {
        return read().load(path);
    }

    /** The active session, for callers that do not hold one. */
    static SparkSession session() {
        return SparkSession.active();
    }
}
