package org.sparkgru.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkgru.config.ConfigError;
import org.sparkgru.config.ConformalIntervals;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.model.GruModel;
import org.sparkgru.io.AtomicFiles;
import org.sparkgru.io.HadoopFiles;
import org.sparkgru.io.Locations;
import org.sparkgru.io.ModelDirectory;
import org.sparkgru.model.ModelStore;

/**
 * A trained spark-gru forecaster as a spark.ml Model: {@code transform} forecasts every series of a long-format
 * Dataset exactly as {@code jobs/forecast.sh} does and returns the forecasts (columns: the input's id and time
 * columns, {@code step}, {@code forecast}). Persistence reads and writes the model directory of the jobs, so a
 * model trained by {@code jobs/train.sh} loads here ({@link #load}) and a model saved here
 * ({@code write().save(path)}) forecasts with {@code jobs/forecast.sh}. A saved model also holds spark.ml's params
 * metadata ({@code metadata/}), so that a {@code PipelineModel} with this stage saves and loads.
 */
public final class GruForecastModel extends Model<GruForecastModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private final String uid;
    private final String dir;
    private final transient GruModel model;
    private final Param<String> asOf;
    private final IntParam holdout;
    private final DoubleArrayParam intervalLevels;
    private final IntParam calibrationOrigins;

    GruForecastModel(String uid, String dir, GruModel model) {
        this.uid = uid;
        this.dir = dir;
        this.model = model;
        this.asOf = new Param<>(this, "asOf",
                "forecast from the history at or before this time (ISO timestamp, date or index); unset: all history");
        this.holdout = new IntParam(this, "holdout", GruForecaster.HOLDOUT_DOC, ParamValidators.gtEq(0));
        setDefault(holdout, 0);
        this.intervalLevels = new DoubleArrayParam(this, "intervalLevels", "coverages in percent of split-conformal"
                + " intervals around the forecasts, as forecast.sh --intervals conformal --level gives them (columns"
                + " lower_80, upper_80, ...); empty (default): none");
        this.calibrationOrigins = new IntParam(this, "calibrationOrigins", "rolling origins of each series' history"
                + " that calibrate the conformal intervals (forecast.sh --calibration-origins)", ParamValidators.gtEq(1));
        setDefault(intervalLevels, new double[0]);
        setDefault(calibrationOrigins, org.sparkgru.config.ConformalIntervals.DEFAULT_ORIGINS);
    }

    /** Loads a model directory written by {@code jobs/train.sh}, {@link GruForecaster} or {@link #write()}. */
    public static GruForecastModel load(String path) {
        try {
            Locations.requireCompleteModel(path, hadoop());
            GruModel m = ModelStore.load(path, hadoop());
            return new GruForecastModel(Identifiable$.MODULE$.randomUID("gruForecastModel"), path, m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The reader of spark.ml's persistence API ({@code PipelineModel.load} finds it through the stage's
     * {@code metadata/}): the model directory, with the params and uid of the metadata when it is there.
     */
    public static MLReader<GruForecastModel> read() {
        return new MLReader<>() {
            @Override
            public GruForecastModel load(String path) {
                try {
                    Configuration conf = sparkSession().sparkContext().hadoopConfiguration();
                    Locations.requireCompleteModel(path, conf);
                    GruModel m = ModelStore.load(path, conf);
                    Path metadata = new Path(path, "metadata");
                    if (!HadoopFiles.of(metadata, conf).exists(metadata)) {
                        return new GruForecastModel(Identifiable$.MODULE$.randomUID("gruForecastModel"), path, m);
                    }
                    DefaultParamsReader.Metadata meta = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(),
                            GruForecastModel.class.getName());
                    GruForecastModel model = new GruForecastModel(meta.uid(), path, m);
                    meta.getAndSetParams(model, scala.Option.empty());
                    return model;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private static Configuration hadoop() {
        return SparkSession.getActiveSession().isDefined()
                ? SparkSession.active().sparkContext().hadoopConfiguration() : new Configuration();
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> asOf() {
        return asOf;
    }

    public GruForecastModel setAsOf(String time) {
        set(asOf, time);
        return this;
    }

    /** See {@link GruForecaster#holdout()}; {@code fit} copies the estimator's value here. */
    public IntParam holdout() {
        return holdout;
    }

    public GruForecastModel setHoldout(int points) {
        set(holdout, points);
        return this;
    }

    public DoubleArrayParam intervalLevels() {
        return intervalLevels;
    }

    /** Conformal intervals of these coverages in percent around the forecasts, e.g. {@code 80, 95}. */
    public GruForecastModel setIntervalLevels(double... percent) {
        set(intervalLevels, percent);
        return this;
    }

    public IntParam calibrationOrigins() {
        return calibrationOrigins;
    }

    public GruForecastModel setCalibrationOrigins(int origins) {
        set(calibrationOrigins, origins);
        return this;
    }

    /** The conformal intervals the params ask for, or null; a {@code UserError} naming the param for bad values. */
    private ConformalIntervals intervals() {
        double[] levels = getOrDefault(intervalLevels);
        if (levels.length == 0) {
            return null;
        }
        if ((Integer) getOrDefault(holdout) > 0) {
            throw new ConfigError("intervalLevels = " + java.util.Arrays.toString(levels) + " with holdout = "
                    + getOrDefault(holdout) + ": intervals go with the forecasts after each series' end; set"
                    + " holdout = 0, or clear intervalLevels to score held-out points");
        }
        java.util.StringJoiner list = new java.util.StringJoiner(",");
        for (double l : levels) {
            list.add(Double.toString(l));
        }
        return ConformalIntervals.parse(list.toString(), (Integer) getOrDefault(calibrationOrigins), "intervalLevels",
                "calibrationOrigins");
    }

    /** The network and its metadata. */
    public GruModel gruModel() {
        return model;
    }

    /** The directory the model was loaded from. */
    public String directory() {
        return dir;
    }

    /** The training configuration stored in the model. */
    public TrainConfig trainConfig() {
        return TrainConfig.fromModel(model.metadata().get("configuration").toString(), java.util.List.of());
    }

    /**
     * The forecasts after each series' end; with {@link #holdout()} {@code k > 0}, the forecasts of each series'
     * last {@code k} points from the history before them, with their actual values and the series' MASE scale
     * (columns {@code actual}, {@code maseScale}), which {@link GruForecastEvaluator} scores.
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        String time = isDefined(asOf) ? getOrDefault(asOf) : null;
        int k = (Integer) getOrDefault(holdout);
        ConformalIntervals intervals = intervals();
        return (k == 0 ? Forecasting.forecast(dataset.sparkSession(), model, dir, trainConfig(), dataset.toDF(), time,
                intervals)
                : Forecasting.heldOut(dataset.sparkSession(), model, dir, trainConfig(), dataset.toDF(), time, k))
                .forecasts();
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return forecastSchema(schema, trainConfig(), (Integer) getOrDefault(holdout) > 0, intervals());
    }

    /**
     * The output columns of {@code transform} under {@code cfg}, with {@code intervals} (or null): the forecasts'
     * ({@link Forecasting#schema}).
     */
    static StructType forecastSchema(StructType input, TrainConfig cfg, boolean heldOut, ConformalIntervals intervals) {
        String idCol = cfg.data().id();
        String timeCol = cfg.data().time();
        java.util.List<String> has = java.util.List.of(input.fieldNames());
        if (!has.contains(idCol) || !has.contains(timeCol)) {
            throw new IllegalArgumentException("the input needs the id column '" + idCol + "' and the time column '"
                    + timeCol + "'; it has " + String.join(", ", has));
        }
        return Forecasting.schema(input, cfg, heldOut, intervals);
    }

    @Override
    public GruForecastModel copy(ParamMap extra) {
        return copyValues(new GruForecastModel(uid, dir, model), extra);
    }

    @Override
    public MLWriter write() {
        GruForecastModel self = this;
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                try {
                    Configuration conf = hadoop();
                    ModelStore.writeFiles(self.model, path, conf);
                    Path from = new Path(self.dir);
                    FileSystem src = HadoopFiles.of(from, conf);
                    Path to = new Path(path);
                    FileSystem dst = HadoopFiles.of(to, conf);
                    for (String part : new String[] {ModelDirectory.SCALERS, ModelDirectory.METRICS,
                            ModelDirectory.REPORT}) {
                        if (src.exists(new Path(from, part))) {
                            FileUtil.copy(src, new Path(from, part), dst, new Path(to, part), false, conf);
                        }
                    }
                    // spark.ml's params metadata, so that a PipelineModel holding this model loads again
                    DefaultParamsWriter$.MODULE$.saveMetadata(self, path, sparkSession());
                    AtomicFiles.markComplete(dst, to);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
